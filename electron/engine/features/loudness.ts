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

export class LoudnessMeter {
  private readonly f1: Biquad;
  private readonly f2: Biquad;
  // Direct form I state of both stages.
  private readonly s = new Float64Array(6);
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

  /** The filters in WebAssembly (bit for bit the loop below, ~2.5× faster); null: the JS path. */
  private readonly kernel: SampleKernel | null;
  private readonly onBlock = (ms: number): void => this.addBlock(ms);

  constructor(sampleRate: number) {
    this.f1 = highShelf(sampleRate);
    this.f2 = highPass(sampleRate);
    this.sub = Math.round(sampleRate / 10);
    this.kernel = SampleKernel.create();
    const { f1, f2 } = this;
    this.kernel?.loudnessStart([f1.b0, f1.b1, f1.b2, f1.a1, f1.a2, f2.b0, f2.b1, f2.b2, f2.a1, f2.a2]);
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
    const { b0: p0, b1: p1, b2: p2, a1: pa1, a2: pa2 } = this.f1;
    const { b0: q0, b1: q1, b2: q2, a1: qa1, a2: qa2 } = this.f2;
    const s = this.s;
    let x1 = s[0], x2 = s[1], y1 = s[2], y2 = s[3], w1 = s[4], w2 = s[5];
    let acc = this.acc;
    let count = this.count;
    const sub = this.sub;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const y = p0 * v + p1 * x1 + p2 * x2 - pa1 * y1 - pa2 * y2;
      x2 = x1;
      x1 = v;
      // Stage 2's input history is stage 1's output history (y1, y2).
      const w = q0 * y + q1 * y1 + q2 * y2 - qa1 * w1 - qa2 * w2;
      y2 = y1;
      y1 = y;
      w2 = w1;
      w1 = w;
      acc += w * w;
      if (++count === sub) {
        this.addBlock(acc / sub);
        acc = 0;
        count = 0;
      }
    }
    s[0] = x1;
    s[1] = x2;
    s[2] = y1;
    s[3] = y2;
    s[4] = w1;
    s[5] = w2;
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
