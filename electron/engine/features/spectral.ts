import { SpectralKernel } from './frame-kernel';

/**
 * Per-frame spectral descriptors from a one-sided power spectrum: log-mel bands, centroid,
 * roll-off, flatness, chroma. Filter banks are built once per (rate, nfft) and stored sparse.
 */

interface Band {
  first: number;
  weights: Float64Array;
}

const hzToMel = (f: number): number => 2595 * Math.log10(1 + f / 700);
const melToHz = (m: number): number => 700 * (10 ** (m / 2595) - 1);

/** Triangular mel filters (HTK mel scale, unit peak) over bins 0..nfft/2. */
export function melBank(sampleRate: number, nfft: number, bands: number, fmin: number, fmax: number): Band[] {
  const binHz = sampleRate / nfft;
  const lo = hzToMel(fmin);
  const hi = hzToMel(Math.min(fmax, sampleRate / 2));
  const edges = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const out: Band[] = [];
  for (let b = 0; b < bands; b++) {
    const [l, c, r] = [edges[b], edges[b + 1], edges[b + 2]];
    const first = Math.max(0, Math.ceil(l / binHz));
    const last = Math.min(nfft / 2, Math.floor(r / binHz));
    const w: number[] = [];
    for (let k = first; k <= last; k++) {
      const f = k * binHz;
      w.push(Math.max(0, f <= c ? (f - l) / (c - l) : (r - f) / (r - c)));
    }
    // Low bands narrower than one bin would be empty: give them their nearest bin.
    if (!w.some((x) => x > 0)) out.push({ first: Math.round(c / binHz), weights: Float64Array.of(1) });
    else out.push({ first, weights: Float64Array.from(w) });
  }
  return out;
}

/** Banks built so far, by their parameters: every analyser of a thread (one a track) shares one, read only. */
const melBanks = new Map<string, readonly Band[]>();

/** melBank's bank for these parameters, built once per thread (a worker analyses thousands of tracks with the same one). */
function sharedMelBank(sampleRate: number, nfft: number, bands: number, fmin: number, fmax: number): readonly Band[] {
  const key = `${sampleRate}/${nfft}/${bands}/${fmin}/${fmax}`;
  let bank = melBanks.get(key);
  if (!bank) {
    bank = melBank(sampleRate, nfft, bands, fmin, fmax);
    melBanks.set(key, bank);
  }
  return bank;
}

/** SpectralAnalyser's settled-bin tables built so far, by their parameters (see settledBins). */
const settledTables = new Map<string, Int8Array>();

/** C0 in Hz: pitch class 0 = C. */
const C0_HZ = 16.351597831287414;
/** The pitch class (0 = C) nearest a frequency. */
const pitchClass = (hz: number): number => ((Math.round(12 * Math.log2(hz / C0_HZ)) % 12) + 12) % 12;
/** Peaks below this share of the frame's largest (in the chroma range) are noise, not notes. */
const PEAK_FLOOR = 0.01;

export interface FrameDescriptors {
  /** dB, floored. */
  melDb: Float64Array;
  /**
   * The same bands as linear power, floored alike: 10^(melDb/10) up to rounding (a relative
   * 1e-15), without a pow per band (the accents of audio.ts need it every frame).
   */
  melPower: Float64Array;
  centroidHz: number;
  rolloffHz: number;
  flatness: number;
  /** Magnitude-weighted pitch-class energy (not normalised). */
  chroma: Float64Array;
  /** The same from peaks below the bass limit only: bass line and chords, little melody. */
  bassChroma: Float64Array;
  silent: boolean;
}

/** Below this total power (≈ −100 dB re full scale) a frame counts as silent. */
export const SILENT_POWER = 1e-10;

export class SpectralAnalyser {
  private readonly mel: readonly Band[];
  /** First and last bin whose peaks count for chroma (kept off the ends for the parabola). */
  private readonly chromaLo: number;
  private readonly chromaHi: number;
  /** Refined peak frequencies below this count for bassChroma as well. */
  private readonly bassHz: number;
  private readonly binHz: number;
  /** The sums of a frame (see sums()): WebAssembly views when the frame kernel runs, else JS arrays. */
  private readonly kernel: SpectralKernel | null;
  private readonly mag: Float64Array;
  private readonly energy: Float64Array;
  private readonly peaks: Int32Array;
  private readonly result: Float64Array;
  readonly out: FrameDescriptors;
  /** floorDb as linear power. */
  private readonly floorPower: number;
  /** Per bin: the pitch class a peak there always gets, or −1 (see settledBins). */
  private readonly settled: Int8Array;

  constructor(
    sampleRate: number,
    private readonly nfft: number,
    bands: number,
    fmin: number,
    fmax: number,
    private readonly floorDb: number,
    private readonly rolloff: number,
    chromaFmin: number,
    chromaFmax: number,
    /** Peaks from chromaFmin up to this frequency also feed bassChroma. */
    bassFmax: number,
  ) {
    this.bassHz = bassFmax;
    this.mel = sharedMelBank(sampleRate, nfft, bands, fmin, fmax);
    this.binHz = sampleRate / nfft;
    this.chromaLo = Math.max(1, Math.ceil(chromaFmin / this.binHz));
    this.chromaHi = Math.min(nfft / 2 - 1, Math.floor(chromaFmax / this.binHz));
    const bins = nfft / 2 + 1;
    this.kernel = SpectralKernel.create({ bins, bands: this.mel, silentPower: SILENT_POWER, rolloff, chromaLo: this.chromaLo, chromaHi: this.chromaHi, peakFloor: PEAK_FLOOR });
    this.mag = this.kernel?.mag ?? new Float64Array(bins);
    this.energy = this.kernel?.energy ?? new Float64Array(this.mel.length);
    this.peaks = this.kernel?.peaks ?? new Int32Array(bins);
    this.result = this.kernel?.result ?? new Float64Array(5);
    this.floorPower = 10 ** (floorDb / 10);
    // Read only, like the mel bank: one table per thread and parameters, not one per track.
    const key = `${sampleRate}/${nfft}/${this.chromaLo}/${this.chromaHi}/${bassFmax}`;
    let settled = settledTables.get(key);
    if (!settled) {
      settled = this.settledBins(bins);
      settledTables.set(key, settled);
    }
    this.settled = settled;
    this.out = { melDb: new Float64Array(bands), melPower: new Float64Array(bands), centroidHz: 0, rolloffHz: 0, flatness: 0, chroma: new Float64Array(12), bassChroma: new Float64Array(12), silent: true };
  }

  /** Fills and returns `this.out` (reused between frames). */
  analyse(power: Float64Array): FrameDescriptors {
    if (this.kernel) this.kernel.sums(power);
    else this.sums(power);
    const o = this.out;
    const r = this.result;
    const total = r[0];
    // Flatness over mel bands (40 logs instead of one per bin): geometric / arithmetic mean power.
    let logSum = 0;
    let linSum = 0;
    for (let b = 0; b < this.mel.length; b++) {
      const e = this.energy[b];
      const l = Math.log(e + 1e-20);
      logSum += l;
      linSum += e;
      o.melDb[b] = Math.max(this.floorDb, 4.342944819032518 * l);
      o.melPower[b] = Math.max(this.floorPower, e + 1e-20);
    }
    o.chroma.fill(0);
    o.bassChroma.fill(0);
    o.silent = total < SILENT_POWER;
    if (o.silent) {
      o.centroidHz = 0;
      o.rolloffHz = 0;
      o.flatness = 0;
      return o;
    }
    const bands = this.mel.length;
    o.flatness = Math.exp(logSum / bands) / (linSum / bands);
    o.centroidHz = (r[2] / r[1]) * this.binHz;
    o.rolloffHz = r[3] * this.binHz;
    this.peakChroma(r[4], o.chroma, o.bassChroma);
    return o;
  }

  /**
   * The frame's sums, in JS (the frame kernel adds the same in lanes, within ~1e-15): magnitudes, each mel
   * band's energy, result = [total power, magnitude sum, bin-weighted magnitude sum, roll-off bin,
   * count of chroma peak bins in `peaks`]; roll-off and peaks only when the frame is not silent.
   */
  private sums(power: Float64Array): void {
    const n = this.nfft / 2 + 1;
    const mag = this.mag;
    const r = this.result;
    let total = 0;
    let magSum = 0;
    let weighted = 0;
    for (let k = 0; k < n; k++) {
      const p = power[k];
      total += p;
      const m = Math.sqrt(p);
      mag[k] = m;
      magSum += m;
      weighted += m * k;
    }
    for (let b = 0; b < this.mel.length; b++) {
      const { first, weights } = this.mel[b];
      let e = 0;
      for (let i = 0; i < weights.length; i++) e += weights[i] * power[first + i];
      this.energy[b] = e;
    }
    r[0] = total;
    r[1] = magSum;
    r[2] = weighted;
    r[3] = 0;
    r[4] = 0;
    if (total < SILENT_POWER) return;
    const target = this.rolloff * magSum;
    let acc = 0;
    let k = 0;
    for (; k < n - 1; k++) {
      acc += mag[k];
      if (acc >= target) break;
    }
    r[3] = k;
    const { chromaLo, chromaHi } = this;
    let max = 0;
    for (let q = chromaLo; q <= chromaHi; q++) if (mag[q] > max) max = mag[q];
    const floor = max * PEAK_FLOOR;
    let count = 0;
    for (let q = chromaLo; q <= chromaHi; q++) {
      const b = mag[q];
      if (b <= floor || b <= mag[q - 1] || b < mag[q + 1]) continue;
      this.peaks[count++] = q;
    }
    r[4] = count;
  }

  /**
   * Chroma from spectral peaks: each local maximum's frequency is refined by a parabola through
   * its log magnitudes and its magnitude goes to the nearest pitch class. At 22.05 kHz a 2048-point
   * bin is 10.8 Hz, wider than a semitone below ~190 Hz, so spreading every bin over its two
   * nearest semitones smears chords into their neighbours; a peak's refined frequency does not.
   * The peaks (local maxima above PEAK_FLOOR of the largest in the chroma range) come from sums().
   */
  private peakChroma(count: number, chroma: Float64Array, bassChroma: Float64Array): void {
    const { mag, peaks, settled } = this;
    // Peaks are at least two bins apart; one two bins after the last shares its left neighbour with
    // that one's right, whose log is already known (the same value: one log fewer).
    let lastK = -10;
    let lastC = 0;
    for (let j = 0; j < count; j++) {
      const k = peaks[j];
      const b = mag[k];
      // A bin whose every refined frequency falls in one pitch class on one side of the bass
      // limit needs no parabola (see settledBins).
      const fixed = settled[k];
      if (fixed >= 0) {
        chroma[fixed & 15] += b;
        if (fixed & 16) bassChroma[fixed & 15] += b;
        continue;
      }
      const a = k === lastK + 2 ? lastC : Math.log(mag[k - 1] + 1e-12);
      const c = Math.log(mag[k + 1] + 1e-12);
      lastK = k;
      lastC = c;
      const l = Math.log(b);
      const den = a - 2 * l + c;
      const delta = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
      const hz = (k + delta) * this.binHz;
      const pc = pitchClass(hz);
      chroma[pc] += b;
      if (hz < this.bassHz) bassChroma[pc] += b;
    }
  }

  /**
   * Per bin: the pitch class (bits 0–3, plus 16 when below the bass limit) that every refined
   * frequency of a peak there gets, or −1 where the bin straddles a semitone or the bass limit.
   * The refined frequency is (k + δ)·binHz with δ clamped to ±0.5 — the same expression as in
   * peakChroma, so its ends are exactly the values tested here — and the pitch class only grows
   * with the frequency, so a bin whose ends agree gives that class for any δ: the same result
   * without the three logs and the log2 (most peaks above ~400 Hz).
   */
  private settledBins(bins: number): Int8Array {
    const settled = new Int8Array(bins).fill(-1);
    for (let k = this.chromaLo; k <= this.chromaHi; k++) {
      const lo = (k + -0.5) * this.binHz;
      const hi = (k + 0.5) * this.binHz;
      const pc = pitchClass(lo);
      const bass = lo < this.bassHz;
      if (pitchClass(hi) === pc && (hi < this.bassHz) === bass) settled[k] = pc | (bass ? 16 : 0);
    }
    return settled;
  }
}
