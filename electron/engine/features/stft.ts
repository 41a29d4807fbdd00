import FFT from 'fft.js';
import { StftKernel } from './frame-kernel';

/**
 * A streaming, centred short-time Fourier transform: frame j is centred on sample j·hop, with
 * zeros before the first and after the last sample (as librosa's center=True). Calls `onFrame`
 * with the one-sided power spectrum (nfft/2 + 1 bins), scaled so a full-scale sine's bin is ≈ 1.
 */
export class Stft {
  private readonly fft: FFT;
  private readonly window: Float64Array;
  private readonly frame: Float64Array;
  private readonly spectrum: number[];
  private readonly power: Float64Array;
  private readonly scale: number;
  /** Window, FFT and power in WebAssembly (its own real FFT: within a relative 1e-12 of fft.js on a frame's strong bins); null: the JS path. */
  private readonly kernel: StftKernel | null;
  /** Samples from absolute index `bufStart`; negative indices are the leading zero pad. */
  private buf: Float32Array;
  private bufStart: number;
  private bufLen = 0;
  private next = 0;
  private total = 0;

  constructor(
    readonly nfft: number,
    readonly hop: number,
    private readonly onFrame: (power: Float64Array, index: number) => void,
  ) {
    this.fft = new FFT(nfft);
    this.window = new Float64Array(nfft);
    let sum = 0;
    for (let i = 0; i < nfft; i++) {
      this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nfft);
      sum += this.window[i];
    }
    // |X| of a sine of amplitude A is A·Σw/2: scale power by (2/Σw)² so that A = 1 → 1.
    this.scale = (2 / sum) ** 2;
    this.frame = new Float64Array(nfft);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.power = new Float64Array(nfft / 2 + 1);
    this.buf = new Float32Array(Math.max(4 * nfft, 1 << 15));
    this.bufStart = -nfft / 2;
    this.bufLen = nfft / 2;
    this.kernel = StftKernel.create(nfft, this.window, this.scale);
  }

  /** Samples seen so far. */
  get samples(): number {
    return this.total;
  }

  push(samples: Float32Array): void {
    this.append(samples);
    this.total += samples.length;
    this.drain(this.total);
  }

  /** Pad the end with zeros and emit the remaining frames (1 + ⌊N/hop⌋ frames in all). */
  finish(): void {
    this.append(new Float32Array(this.nfft / 2));
    this.drain(this.total);
  }

  private append(samples: Float32Array): void {
    if (this.bufLen + samples.length > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + samples.length));
      grown.set(this.buf.subarray(0, this.bufLen));
      this.buf = grown;
    }
    this.buf.set(samples, this.bufLen);
    this.bufLen += samples.length;
  }

  private drain(total: number): void {
    const half = this.nfft / 2;
    const end = this.bufStart + this.bufLen;
    while (this.next * this.hop + half <= end && this.next * this.hop <= total) {
      this.analyse(this.next * this.hop - half - this.bufStart);
      this.next++;
    }
    // Drop what no later frame needs.
    const keepFrom = this.next * this.hop - half - this.bufStart;
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.bufLen);
      this.bufLen -= keepFrom;
      this.bufStart += keepFrom;
    }
  }

  private analyse(offset: number): void {
    const { frame, window, buf, nfft, kernel } = this;
    if (kernel) {
      kernel.input.set(buf.subarray(offset, offset + nfft));
      kernel.frame();
      this.onFrame(kernel.power, this.next);
      return;
    }
    for (let i = 0; i < nfft; i++) frame[i] = buf[offset + i] * window[i];
    this.fft.realTransform(this.spectrum, frame);
    const s = this.spectrum;
    const p = this.power;
    for (let k = 0; k <= nfft / 2; k++) p[k] = (s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1]) * this.scale;
    this.onFrame(p, this.next);
  }
}
