import { FRAME_KERNEL_WASM } from './wasm/frame-kernel-wasm';

/**
 * The per-frame arithmetic of the STFT (window, real FFT, power) and of the spectral
 * descriptors' sums, in WebAssembly with f64x2 SIMD (source: wasm/assembly/frame-kernel.ts), and
 * the per-sample loops (the loudness filters, the steps' sums of squares).
 * The per-sample loops give bit for bit what the JS path gives; the spectral sums add in lanes
 * and the STFT's FFT is its own, both within the tolerance tests/integration/features/frame-kernel.test.ts holds (and
 * docs/catalog.md states); the logs and exps stay in JS. Where WebAssembly SIMD is missing, or the kernel is switched off,
 * the factories return null and the callers run their JS path.
 */

interface KernelExports {
  memory: WebAssembly.Memory;
  stftSetup(n: number, scale: number): void;
  stftInput(): number;
  stftWindow(): number;
  stftPower(): number;
  stftFrame(): void;
  spectralSetup(bins: number, bands: number, weights: number): void;
  spectralPower(): number;
  spectralMag(): number;
  spectralBandFirst(): number;
  spectralBandLen(): number;
  spectralBandWeights(): number;
  spectralEnergy(): number;
  spectralPeaks(): number;
  spectralResult(): number;
  spectralSums(silentPower: number, rolloff: number, chromaLo: number, chromaHi: number, peakFloor: number): void;
  samplesSetup(): void;
  samplesInput(): number;
  samplesPiece(): number;
  loudnessState(): number;
  loudnessBlocks(): number;
  stepRuns(): number;
  samplesPush(n: number, sub: number, stepLen: number): number;
}

/** NEEDLEDROP_FRAME_KERNEL=off runs the JS path everywhere, worker threads included (an A/B bench, or a way out). */
let enabled = process.env.NEEDLEDROP_FRAME_KERNEL !== 'off';
/** undefined: not tried yet; null: unavailable here. */
let compiled: WebAssembly.Module | null | undefined;

/** Switch the kernel off (or back on) for Stft and SpectralAnalyser made from now on: tests and the A/B bench. */
export function useFrameKernel(on: boolean): void {
  enabled = on;
}

/**
 * The kernel compiled by this runtime's WebAssembly, or null where there is none or it lacks SIMD
 * (validate() refuses the bytes: a runtime without SIMD cannot decode its instructions).
 */
export function compileFrameKernel(wasm: typeof WebAssembly | undefined, bytes: Uint8Array<ArrayBuffer> = Buffer.from(FRAME_KERNEL_WASM, 'base64')): WebAssembly.Module | null {
  return wasm && wasm.validate(bytes) ? new wasm.Module(bytes) : null;
}

/** Compiled once per thread, synchronously (4 KB); null where this runtime has no WebAssembly SIMD. */
export function frameKernelModule(): WebAssembly.Module | null {
  if (!enabled) return null;
  if (compiled === undefined) compiled = compileFrameKernel(typeof WebAssembly === 'object' ? WebAssembly : undefined);
  return compiled;
}

function instantiate(): KernelExports | null {
  const module = frameKernelModule();
  return module ? (new WebAssembly.Instance(module, {}).exports as unknown as KernelExports) : null;
}

/** One STFT's frames: fill `input` with nfft samples, call frame(), read `power` (nfft/2 + 1 bins, reused). */
export class StftKernel {
  private constructor(
    private readonly k: KernelExports,
    readonly input: Float32Array,
    readonly power: Float64Array,
  ) {}

  /** Null when the kernel is unavailable or `nfft` is under 8. The window and scale are the JS path's own values, copied in. */
  static create(nfft: number, window: Float64Array, scale: number): StftKernel | null {
    if (nfft < 8) return null;
    const k = instantiate();
    if (!k) return null;
    k.stftSetup(nfft, scale);
    const buf = k.memory.buffer;
    new Float64Array(buf, k.stftWindow(), nfft).set(window);
    return new StftKernel(k, new Float32Array(buf, k.stftInput(), nfft), new Float64Array(buf, k.stftPower(), nfft / 2 + 1));
  }

  frame(): void {
    this.k.stftFrame();
  }
}

export interface SpectralSumsParams {
  bins: number;
  bands: ReadonlyArray<{ first: number; weights: Float64Array }>;
  silentPower: number;
  rolloff: number;
  chromaLo: number;
  chromaHi: number;
  peakFloor: number;
}

/**
 * The spectral descriptors' sums (spectral.ts): after sums(power), `mag`, `energy` (per mel band),
 * `peaks` (the first `result[4]` entries: chroma peak bins) and `result` = [total power, magnitude
 * sum, bin-weighted magnitude sum, roll-off bin, peak count]; roll-off and peaks only when not silent.
 */
export class SpectralKernel {
  private constructor(
    private readonly k: KernelExports,
    private readonly p: SpectralSumsParams,
    private readonly powerIn: Float64Array,
    readonly mag: Float64Array,
    readonly energy: Float64Array,
    readonly peaks: Int32Array,
    readonly result: Float64Array,
  ) {}

  static create(p: SpectralSumsParams): SpectralKernel | null {
    const k = instantiate();
    if (!k) return null;
    const weights = p.bands.reduce((n, b) => n + b.weights.length, 0);
    k.spectralSetup(p.bins, p.bands.length, weights);
    const buf = k.memory.buffer;
    const first = new Int32Array(buf, k.spectralBandFirst(), p.bands.length);
    const len = new Int32Array(buf, k.spectralBandLen(), p.bands.length);
    const w = new Float64Array(buf, k.spectralBandWeights(), weights);
    let at = 0;
    p.bands.forEach((b, i) => {
      first[i] = b.first;
      len[i] = b.weights.length;
      w.set(b.weights, at);
      at += b.weights.length;
    });
    const view = (ptr: number, n: number): Float64Array => new Float64Array(buf, ptr, n);
    return new SpectralKernel(k, p, view(k.spectralPower(), p.bins), view(k.spectralMag(), p.bins), view(k.spectralEnergy(), p.bands.length), new Int32Array(buf, k.spectralPeaks(), p.bins), view(k.spectralResult(), 5));
  }

  sums(power: Float64Array): void {
    const p = this.p;
    this.powerIn.set(power.length > p.bins ? power.subarray(0, p.bins) : power);
    this.k.spectralSums(p.silentPower, p.rolloff, p.chromaLo, p.chromaHi, p.peakFloor);
  }
}

/** Slots of `loudnessState` after 14 coefficients and 12 filter states (wasm/assembly/frame-kernel.ts). */
const LOUD_COEFFICIENTS = 14;
const LOUD_ACC = 26;
const LOUD_COUNT = 27;
const STEP_SS = 28;
const STEP_LEFT = 29;
const STEP_RUNS = 30;
const LOUD_SLOTS = 32;

/**
 * Consecutive steps of `length` samples, of which `left` (1 … length) remain before the pushed samples start:
 * `onRun` gets the Σ x² of each run of the pushed samples within one step, in order — every step
 * they complete, then the one they end in (0 when they end on a step's end).
 */
export interface StepSquares {
  left: number;
  length: number;
  onRun: (ss: number) => void;
}

/**
 * The per-sample loops in one pass, each sample's operations in the JS order (a recursive filter and
 * running sums cannot be reordered without changing their last bits): loudness.ts's K-weighting filters
 * (their look-ahead form, even and odd samples in the two lanes) with their sub-block mean squares and
 * audio.ts's per-step Σ x², added sample by sample. Input of any length is fed in pieces of `piece`
 * samples, the sums carried over.
 */
export class SampleKernel {
  private constructor(
    private readonly k: KernelExports,
    private readonly piece: number,
    private readonly input: Float32Array,
    private readonly loud: Float64Array,
    private readonly blocks: Float64Array,
    private readonly runs: Float64Array,
  ) {}

  static create(): SampleKernel | null {
    const k = instantiate();
    if (!k) return null;
    k.samplesSetup();
    const buf = k.memory.buffer;
    const piece = k.samplesPiece();
    const view = (ptr: number, n: number): Float64Array => new Float64Array(buf, ptr, n);
    return new SampleKernel(k, piece, new Float32Array(buf, k.samplesInput(), piece), view(k.loudnessState(), LOUD_SLOTS), view(k.loudnessBlocks(), piece + 1), view(k.stepRuns(), piece + 1));
  }

  /** Start the loudness filters: the look-ahead [e0, e1, e2, e3, e4, c2, c4] of the first biquad then of the second (loudness.ts, `lookAhead`); zero state. */
  loudnessStart(coefficients: ArrayLike<number>): void {
    if (coefficients.length !== LOUD_COEFFICIENTS) throw new RangeError(`loudness filters: ${coefficients.length} coefficients, not ${LOUD_COEFFICIENTS}`);
    this.loud.fill(0);
    this.loud.set(coefficients);
  }

  /** Run x through the loudness filters; `onBlock` gets the mean square of every `sub`-sample block completed, in order. With `steps`, their squares too. */
  push(x: Float32Array, sub: number, onBlock: (ms: number) => void, steps?: StepSquares): void {
    const loud = this.loud;
    // Each push starts its first run's sum from 0, as the JS loop does.
    loud[STEP_SS] = 0;
    loud[STEP_LEFT] = steps ? steps.left : 0;
    const stepLen = steps ? steps.length : 0;
    for (let i = 0; i < x.length; i += this.piece) {
      const part = x.subarray(i, i + this.piece);
      this.input.set(part);
      const n = this.k.samplesPush(part.length, sub, stepLen);
      for (let b = 0; b < n; b++) onBlock(this.blocks[b]);
      if (steps) for (let r = 0; r < loud[STEP_RUNS]; r++) steps.onRun(this.runs[r]);
    }
    steps?.onRun(loud[STEP_SS]);
  }

  /** The block in progress: the sum of its filtered squares and its sample count. */
  loudnessPending(): { acc: number; count: number } {
    return { acc: this.loud[LOUD_ACC], count: this.loud[LOUD_COUNT] };
  }
}
