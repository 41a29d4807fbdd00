/**
 * Integrated loudness after ITU-R BS.1770-4 (K-weighting, 400 ms blocks at 75 % overlap,
 * −70 LUFS absolute and −10 LU relative gates), streamed. Measured on the mono downmix we
 * decode (the channels' mean, media/decode.ts), so the same content reads the same in mono,
 * stereo or 7.1; a BS.1770 meter sums the channels' power instead, so it reads a stereo file
 * with identical channels ≈ 3 LU higher than this.
 */

import { SampleKernel, type StepSquares } from './frame-kernel';

export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * The two K-weighting stages, designed for any sample rate as libebur128 designs them: the analog
 * prototypes behind BS.1770's 48 kHz coefficients, by the bilinear transform prewarped at each
 * stage's corner (K = tan(π f0 / fs)). At 48 kHz they are the standard's table to the last
 * printed digit. (The RBJ cookbook's shelf with the same f0, G and Q is a different filter:
 * +0.45 dB at 997 Hz instead of +0.66, so every track read 0.26 LU low.)
 */
export function highShelf(fs: number): Biquad {
  const f0 = 1681.974450955533;
  const G = 3.999843853973347;
  const Q = 0.7071752369554196;
  const K = Math.tan((Math.PI * f0) / fs);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  const a0 = 1 + K / Q + K * K;
  return {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
}

/** The RLB high-pass; its numerator is the standard's unnormalised 1, −2, 1 (the −0.691 dB offset assumes it). */
export function highPass(fs: number): Biquad {
  const f0 = 38.13547087602444;
  const Q = 0.5003270373238773;
  const K = Math.tan((Math.PI * f0) / fs);
  const a0 = 1 + K / Q + K * K;
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
}

/**
 * A biquad's look-ahead form (Parhi & Messerschmitt's scattered look-ahead): numerator and
 * denominator times D(−z) = 1 − a1·z⁻¹ + a2·z⁻², so the denominator D(z)·D(−z) = 1 + c2·z⁻² + c4·z⁻⁴
 * has only even powers (its poles are the biquad's squared: as stable) and
 *   y[n] = e0·x[n] + … + e4·x[n−4] − c4·y[n−4] − c2·y[n−2].
 * The same filter; each output depends on the outputs 2 and 4 back, so the even and the odd samples
 * are two independent recurrences, which the kernel runs side by side (twice the samples per step of
 * the filter's chain: 16 → 10 ms a 240 s track). Its outputs differ from the direct form's in the
 * last bits: on music the sub-block mean squares within a relative 1e-13, on clicks 3e-11, where the
 * direct form is itself that far from exact arithmetic (tests/integration/features/loudness-look-ahead.test.ts).
 * Returns [e0, e1, e2, e3, e4, c2, c4].
 */
export function lookAhead(f: Biquad): number[] {
  const { b0, b1, b2, a1, a2 } = f;
  return [b0, b1 - b0 * a1, b2 - b1 * a1 + b0 * a2, b1 * a2 - b2 * a1, b2 * a2, 2 * a2 - a1 * a1, a2 * a2];
}

export class LoudnessMeter {
  /** Both stages' look-ahead coefficients (`lookAhead`), stage 1's then stage 2's. */
  private readonly c: number[];
  // State: the input, stage 1's and stage 2's outputs, each 1…4 samples back.
  private readonly s = new Float64Array(12);
  private readonly sub: number;
  private acc = 0;
  private count = 0;
  /**
   * Mean square of each 100 ms sub-block (the first `subBlockCount`). A typed array, not a fresh `[]` per
   * meter: an empty JS array starts as small integers, and its first double deoptimised the hot
   * push() of every track.
   */
  private subBlocks = new Float64Array(1024);
  private subBlockCount = 0;

  /** The filters in WebAssembly (bit for bit the loop below, the even and odd samples side by side); null: the JS path. */
  private readonly kernel: SampleKernel | null;
  private readonly onBlock = (ms: number): void => this.addBlock(ms);

  constructor(sampleRate: number) {
    this.c = [...lookAhead(highShelf(sampleRate)), ...lookAhead(highPass(sampleRate))];
    this.sub = Math.round(sampleRate / 10);
    this.kernel = SampleKernel.create();
    this.kernel?.loudnessStart(this.c);
  }

  /**
   * Filter x and measure its sub-blocks. With `steps`, also the Σ x² of each step x touches (the
   * audio extractor's rms: one pass over the samples for both).
   */
  push(x: Float32Array, steps?: StepSquares): void {
    // The kernel and the JS loop agree only for 1 ≤ left ≤ length (left 0 would be an empty first
    // run in JS and one run of the whole push in the kernel): refuse the rest instead of diverging.
    if (steps && !(steps.left >= 1 && steps.left <= steps.length)) {
      throw new RangeError(`step runs: left ${steps.left} outside 1…${steps.length}`);
    }
    if (this.kernel) {
      this.kernel.push(x, this.sub, this.onBlock, steps);
      return;
    }
    if (steps) stepSquares(x, steps);
    // Everything in locals: this loop runs once per sample.
    const [e0, e1, e2, e3, e4, c2, c4, f0, f1, f2, f3, f4, d2, d4] = this.c;
    const s = this.s;
    let x1 = s[0], x2 = s[1], x3 = s[2], x4 = s[3], y1 = s[4], y2 = s[5], y3 = s[6], y4 = s[7], w1 = s[8], w2 = s[9], w3 = s[10], w4 = s[11];
    let acc = this.acc;
    let count = this.count;
    const sub = this.sub;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      // The kernel's expression, in its order (bit for bit).
      const y = e0 * v + e1 * x1 + e2 * x2 + e3 * x3 + e4 * x4 - c4 * y4 - c2 * y2;
      x4 = x3;
      x3 = x2;
      x2 = x1;
      x1 = v;
      // Stage 2's input history is stage 1's output history (y1 … y4).
      const w = f0 * y + f1 * y1 + f2 * y2 + f3 * y3 + f4 * y4 - d4 * w4 - d2 * w2;
      y4 = y3;
      y3 = y2;
      y2 = y1;
      y1 = y;
      w4 = w3;
      w3 = w2;
      w2 = w1;
      w1 = w;
      acc += w * w;
      if (++count === sub) {
        this.addBlock(acc / sub);
        acc = 0;
        count = 0;
      }
    }
    s.set([x1, x2, x3, x4, y1, y2, y3, y4, w1, w2, w3, w4]);
    this.acc = acc;
    this.count = count;
  }

  private addBlock(ms: number): void {
    if (this.subBlockCount === this.subBlocks.length) {
      const grown = new Float64Array(this.subBlocks.length * 2);
      grown.set(this.subBlocks);
      this.subBlocks = grown;
    }
    this.subBlocks[this.subBlockCount++] = ms;
  }

  /** LUFS, or null when everything is below the −70 LUFS gate (silence). */
  integrated(): number | null {
    const sb = this.subBlocks.subarray(0, this.subBlockCount);
    const blocks: number[] = [];
    for (let i = 0; i + 4 <= sb.length; i++) {
      blocks.push((sb[i] + sb[i + 1] + sb[i + 2] + sb[i + 3]) / 4);
    }
    // Shorter than one block: measure what there is, every sample once (the unfinished sub-block
    // by its own length, not as a whole one).
    if (blocks.length === 0) {
      const { acc, count } = this.kernel ? this.kernel.loudnessPending() : { acc: this.acc, count: this.count };
      const samples = sb.length * this.sub + count;
      if (samples > 0) blocks.push((sb.reduce((a, b) => a + b, 0) * this.sub + acc) / samples);
    }
    const lufs = (ms: number): number => -0.691 + 10 * Math.log10(ms);
    const abs = blocks.filter((ms) => ms > 0 && lufs(ms) > -70);
    if (abs.length === 0) return null;
    const rel = lufs(abs.reduce((a, b) => a + b, 0) / abs.length) - 10;
    const gated = abs.filter((ms) => lufs(ms) > rel);
    return Math.round(lufs(gated.reduce((a, b) => a + b, 0) / gated.length) * 100) / 100;
  }
}

/** The JS path of StepSquares: each run's Σ x² from 0, in sample order. */
function stepSquares(x: Float32Array, steps: StepSquares): void {
  let left = steps.left;
  let i = 0;
  // Every step the push completes, then the one it ends in (an empty run when it ends on a step's
  // end), as the kernel gives them.
  for (;;) {
    const end = Math.min(x.length, i + left);
    let ss = 0;
    for (let t = i; t < end; t++) ss += x[t] * x[t];
    steps.onRun(ss);
    if (end < i + left) return;
    left = steps.length;
    i = end;
  }
}
