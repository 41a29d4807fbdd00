/**
 * Descriptors of one small RGB frame (and its difference to the previous one). All on 0–1
 * scales: luma is Rec.709 on gamma-encoded values, saturation and hue are HSV.
 */

export interface FrameStats {
  lumaMean: number;
  lumaContrast: number;
  saturation: number;
  colourfulness: number;
  /** Saturation-weighted hue histogram, divided by the pixel count (sums to the mean saturation). */
  hue: Float64Array;
  /** Mean of s·cos(hue − 30°): + for orange/red/yellow, − for cyan/blue, 0 for grey. */
  warmth: number;
  edgeDensity: number;
  /** Mean |Δluma| to the previous frame (0 for the first). */
  motion: number;
  /** L1/2 distance of 64-bin RGB histograms to the previous frame, 0–1 (0 for the first). */
  histDistance: number;
  /**
   * Speed in pixels per frame, fine and coarse (luma box-averaged 4×4, in full-size pixels): the
   * normal-flow estimate Σ|Δluma| / Σ|∇luma|. Unlike `motion` it does not grow with contrast or
   * texture, so slow busy patterns and fast smooth ones are told apart; the coarse scale still sees
   * moves too large for the fine gradient. 0 for the first frame.
   */
  speed: number;
  speedCoarse: number;
}

/** Flat frames have no gradient to read motion from; this floor (luma per pixel) keeps the ratio finite. */
const GRADIENT_FLOOR = 0.002;
/** Speeds are capped: past this many pixels per frame the estimate means only "very fast". */
const MAX_SPEED = 32;
const COARSE = 4;

const WARM = (30 * Math.PI) / 180;

export class FrameAnalyser {
  private luma: Float32Array;
  private prevLuma: Float32Array;
  private hist = new Float64Array(64);
  private prevHist = new Float64Array(64);
  private hasPrev = false;
  private gradientSum = 0;
  private readonly cw: number;
  private readonly ch: number;
  private coarse: Float32Array;
  private prevCoarse: Float32Array;
  readonly out: FrameStats;

  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly hueBins: number,
    private readonly edgeThreshold: number,
  ) {
    this.luma = new Float32Array(width * height);
    this.prevLuma = new Float32Array(width * height);
    this.cw = Math.floor(width / COARSE);
    this.ch = Math.floor(height / COARSE);
    this.coarse = new Float32Array(this.cw * this.ch);
    this.prevCoarse = new Float32Array(this.cw * this.ch);
    this.out = {
      lumaMean: 0, lumaContrast: 0, saturation: 0, colourfulness: 0, hue: new Float64Array(hueBins),
      warmth: 0, edgeDensity: 0, motion: 0, histDistance: 0, speed: 0, speedCoarse: 0,
    };
  }

  analyse(rgb: Uint8Array): FrameStats {
    const { width: w, height: h, luma, hist, out } = this;
    const n = w * h;
    const hue = out.hue;
    hue.fill(0);
    hist.fill(0);
    let ySum = 0, ySq = 0, sSum = 0, warm = 0;
    let rgSum = 0, rgSq = 0, ybSum = 0, ybSq = 0;
    const bins = this.hueBins;
    for (let i = 0, p = 0; i < n; i++, p += 3) {
      const R = rgb[p], G = rgb[p + 1], B = rgb[p + 2];
      hist[((R >> 6) << 4) | ((G >> 6) << 2) | (B >> 6)]++;
      const r = R / 255, g = G / 255, b = B / 255;
      const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      luma[i] = y;
      ySum += y;
      ySq += y * y;
      const rg = r - g;
      const yb = 0.5 * (r + g) - b;
      rgSum += rg;
      rgSq += rg * rg;
      ybSum += yb;
      ybSq += yb * yb;
      const max = r > g ? (r > b ? r : b) : g > b ? g : b;
      const min = r < g ? (r < b ? r : b) : g < b ? g : b;
      const c = max - min;
      if (c <= 0 || max <= 0) continue;
      const s = c / max;
      sSum += s;
      // Hue in sextants [0, 6): 0 red, 2 green, 4 blue.
      let hs = max === r ? (g - b) / c : max === g ? (b - r) / c + 2 : (r - g) / c + 4;
      if (hs < 0) hs += 6;
      const bin = Math.min(bins - 1, Math.floor((hs / 6) * bins));
      hue[bin] += s;
      warm += s * Math.cos((hs * Math.PI) / 3 - WARM);
    }
    const yMean = ySum / n;
    out.lumaMean = yMean;
    out.lumaContrast = Math.sqrt(Math.max(0, ySq / n - yMean * yMean));
    out.saturation = sSum / n;
    for (let k = 0; k < bins; k++) hue[k] /= n;
    out.warmth = warm / n;
    // Hasler & Süsstrunk (2003) colourfulness, on 0–1 channel values.
    const mrg = rgSum / n, myb = ybSum / n;
    const vrg = Math.max(0, rgSq / n - mrg * mrg), vyb = Math.max(0, ybSq / n - myb * myb);
    out.colourfulness = Math.sqrt(vrg + vyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb);
    out.edgeDensity = this.edges();
    this.downsample();
    if (this.hasPrev) {
      let m = 0;
      for (let i = 0; i < n; i++) m += Math.abs(luma[i] - this.prevLuma[i]);
      out.motion = m / n;
      out.speed = Math.min(MAX_SPEED, m / (this.gradientSum + GRADIENT_FLOOR * n));
      out.speedCoarse = this.coarseSpeed();
      let d = 0;
      for (let k = 0; k < 64; k++) d += Math.abs(hist[k] - this.prevHist[k]);
      out.histDistance = d / (2 * n);
    } else {
      out.motion = 0;
      out.speed = 0;
      out.speedCoarse = 0;
      out.histDistance = 0;
    }
    [this.luma, this.prevLuma] = [this.prevLuma, this.luma];
    [this.hist, this.prevHist] = [this.prevHist, this.hist];
    [this.coarse, this.prevCoarse] = [this.prevCoarse, this.coarse];
    this.hasPrev = true;
    return out;
  }

  /**
   * Fraction of interior pixels whose Sobel gradient (luma, /4) exceeds the threshold; also sums
   * the gradient magnitude (Sobel / 8 = luma per pixel, scaled to the whole frame) for `speed`.
   */
  private edges(): number {
    const { width: w, height: h, luma: L } = this;
    this.gradientSum = 0;
    if (w < 3 || h < 3) return 0;
    const t2 = (4 * this.edgeThreshold) ** 2;
    let count = 0;
    let g = 0;
    for (let y = 1; y < h - 1; y++) {
      const r0 = (y - 1) * w, r1 = y * w, r2 = (y + 1) * w;
      for (let x = 1; x < w - 1; x++) {
        const gx = L[r0 + x + 1] + 2 * L[r1 + x + 1] + L[r2 + x + 1] - L[r0 + x - 1] - 2 * L[r1 + x - 1] - L[r2 + x - 1];
        const gy = L[r2 + x - 1] + 2 * L[r2 + x] + L[r2 + x + 1] - L[r0 + x - 1] - 2 * L[r0 + x] - L[r0 + x + 1];
        const m2 = gx * gx + gy * gy;
        g += Math.sqrt(m2);
        if (m2 > t2) count++;
      }
    }
    const interior = (w - 2) * (h - 2);
    this.gradientSum = ((g / 8) * w * h) / interior;
    return count / interior;
  }

  /** Box-average the luma COARSE × COARSE into the coarse frame. */
  private downsample(): void {
    const { width: w, cw, ch, luma: L, coarse: C } = this;
    const inv = 1 / (COARSE * COARSE);
    for (let cy = 0; cy < ch; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        let s = 0;
        for (let dy = 0; dy < COARSE; dy++) {
          const row = (cy * COARSE + dy) * w + cx * COARSE;
          for (let dx = 0; dx < COARSE; dx++) s += L[row + dx];
        }
        C[cy * cw + cx] = s * inv;
      }
    }
  }

  /** Normal-flow speed on the coarse frames (central differences), in full-size pixels per frame. */
  private coarseSpeed(): number {
    const { cw: w, ch: h, coarse: C, prevCoarse: P } = this;
    if (w < 3 || h < 3) return 0;
    let dt = 0;
    let g = 0;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const i = y * w + x;
        dt += Math.abs(C[i] - P[i]);
        const gx = (C[i + 1] - C[i - 1]) / 2;
        const gy = (C[i + w] - C[i - w]) / 2;
        g += Math.sqrt(gx * gx + gy * gy);
      }
    }
    return Math.min(MAX_SPEED, (COARSE * dt) / (g + GRADIENT_FLOOR * (w - 2) * (h - 2)));
  }
}
