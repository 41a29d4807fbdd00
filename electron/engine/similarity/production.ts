/**
 * A track's production signature: the shape of its long-term spectrum over the full band (44.1
 * kHz, up to 22 kHz: the stored features stop at 11 kHz) and its stereo width per band (side vs
 * mid level; the stored features are mono), from a two-minute excerpt in the middle of the track
 * decoded in stereo. What the tracks of one album share most is how they were made — mastering,
 * instruments, room, and the encoder's low-pass — and that lives above 11 kHz and between the
 * channels. Measured on the album set: docs/similarity.md.
 *
 * Bands are log-spaced from 120 Hz to Nyquist (64 edges; bands no FFT bin falls in are dropped).
 * The quietest fifth of the frames (by mid power) is left out, so fades and silences do not set
 * the shape. Signature = [shape (dB, centred over bands) …, width (side − mid, dB) …].
 *
 * Cached by file content hash beside the music space (`production.json`, vector-cache.ts), so a
 * track is decoded for this once; `updateProductionSignatures` (music-space.ts) does the new
 * ones, cancellable, keeping what it finished.
 */
import { Stft } from '../features/stft';
import { cancelledError, inputError } from '../errors';
import { zeroNonFinite } from '../media/decode';
import { ffmpegPath } from '../media/ffmpeg-path';
import { checkReadableFile } from '../media/probe';
import { describeStderr, mediaArg, spawnTool } from '../media/process';
import { quantileSorted } from '../util/quantile';
import { readVectorCache } from './vector-cache';

export const PRODUCTION_SPEC = { version: 1, sampleRate: 44100, nfft: 2048, excerptSeconds: 120, lowHz: 120, edges: 64, quietShare: 0.2 } as const;
export const PRODUCTION_FILE = 'production.json';
/** The cache's id: a new spec makes every signature stale. */
export const PRODUCTION_CACHE_ID = `production-v${PRODUCTION_SPEC.version}`;

/** Band of each FFT bin 0..nfft/2 (−1: below `lowHz`), bands renumbered 0..count−1 over those that hold a bin. */
export function binBands(sampleRate: number, nfft: number, lowHz: number, edges: number): { band: Int32Array; count: number } {
  const nyquist = sampleRate / 2;
  const raw = new Int32Array(nfft / 2 + 1).fill(-1);
  for (let k = 0; k <= nfft / 2; k++) {
    const f = (k * sampleRate) / nfft;
    if (f < lowHz) continue;
    raw[k] = Math.min(edges - 1, Math.floor((edges * Math.log(f / lowHz)) / Math.log(nyquist / lowHz)));
  }
  const used = [...new Set(raw)].filter((b) => b >= 0).sort((a, b) => a - b);
  const dense = new Map(used.map((b, i) => [b, i]));
  return { band: raw.map((b) => (b < 0 ? -1 : (dense.get(b) as number))), count: used.length };
}

const FLOOR = 1e-20;

/**
 * Accumulates the signature from interleaved stereo PCM (L, R, L, R, …) at PRODUCTION_SPEC's
 * rate, in chunks of any size. Mid = (L + R)/2, side = (L − R)/2; both through non-overlapping
 * Hann frames of `nfft`.
 */
export class ProductionAccumulator {
  private readonly bands = binBands(PRODUCTION_SPEC.sampleRate, PRODUCTION_SPEC.nfft, PRODUCTION_SPEC.lowHz, PRODUCTION_SPEC.edges);
  private readonly binsPerBand = new Float64Array(this.bands.count);
  /** Per frame: band powers of mid and of side, and the mid frame's total power. */
  private readonly mid: Float64Array[] = [];
  private readonly side: Float64Array[] = [];
  private readonly energy: number[] = [];
  private readonly midStft: Stft;
  private readonly sideStft: Stft;
  private carry: number | null = null;

  constructor() {
    for (const b of this.bands.band) if (b >= 0) this.binsPerBand[b]++;
    const { nfft } = PRODUCTION_SPEC;
    this.midStft = new Stft(nfft, nfft, (p) => {
      this.mid.push(this.bandPowers(p));
      this.energy.push(p.reduce((s, v) => s + v, 0));
    });
    this.sideStft = new Stft(nfft, nfft, (p) => this.side.push(this.bandPowers(p)));
  }

  /** Number of bands in the signature's each half. */
  get bandCount(): number {
    return this.bands.count;
  }

  private bandPowers(p: Float64Array): Float64Array {
    const out = new Float64Array(this.bands.count);
    this.bands.band.forEach((b, k) => {
      if (b >= 0) out[b] += p[k];
    });
    for (let b = 0; b < out.length; b++) out[b] /= this.binsPerBand[b];
    return out;
  }

  push(interleaved: Float32Array): void {
    let samples = interleaved;
    if (this.carry !== null) {
      samples = new Float32Array(interleaved.length + 1);
      samples[0] = this.carry;
      samples.set(interleaved, 1);
      this.carry = null;
    }
    const frames = Math.floor(samples.length / 2);
    if (samples.length % 2 === 1) this.carry = samples[samples.length - 1];
    const m = new Float32Array(frames);
    const s = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      m[i] = (samples[2 * i] + samples[2 * i + 1]) / 2;
      s[i] = (samples[2 * i] - samples[2 * i + 1]) / 2;
    }
    this.midStft.push(m);
    this.sideStft.push(s);
  }

  /** The signature, or null when nothing audible was heard. */
  finish(): Float32Array | null {
    this.midStft.finish();
    this.sideStft.finish();
    const frames = this.energy.length;
    if (frames === 0) return null;
    const sorted = Float64Array.from(this.energy).sort();
    // The quiet-share quantile; frames strictly above it count.
    const threshold = quantileSorted(sorted, PRODUCTION_SPEC.quietShare);
    const nb = this.bands.count;
    const mid = new Float64Array(nb);
    const side = new Float64Array(nb);
    let kept = 0;
    for (let f = 0; f < frames; f++) {
      if (!(this.energy[f] > threshold)) continue;
      kept++;
      for (let b = 0; b < nb; b++) {
        mid[b] += this.mid[f][b];
        side[b] += this.side[f][b];
      }
    }
    if (kept === 0) return null;
    const midDb = Float64Array.from(mid, (v) => 10 * Math.log10(v / kept + FLOOR));
    const sideDb = Float64Array.from(side, (v) => 10 * Math.log10(v / kept + FLOOR));
    const meanDb = midDb.reduce((a, b) => a + b, 0) / nb;
    const out = new Float32Array(2 * nb);
    for (let b = 0; b < nb; b++) {
      out[b] = midDb[b] - meanDb;
      out[nb + b] = sideDb[b] - midDb[b];
    }
    return out;
  }
}

/**
 * Decode the excerpt of `file` (its middle `excerptSeconds`; the whole of a shorter track) in
 * stereo at 44.1 kHz and return its signature; null for a silent track. A mono file gives side =
 * 0 (width at the floor). Errors name the file and ffmpeg's cause.
 */
export async function productionSignature(file: string, durationSeconds: number, signal?: AbortSignal): Promise<Float32Array | null> {
  // A catalogued file since moved or deleted is common, and each music-space update retries it:
  // refuse it from a stat, not from an ffmpeg start (~0.3 CPU-s with a shared-library build).
  await checkReadableFile(file);
  const { sampleRate, excerptSeconds } = PRODUCTION_SPEC;
  const start = Math.max(0, durationSeconds / 2 - excerptSeconds / 2);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', ...(start > 0 ? ['-ss', start.toFixed(3)] : []), '-t', String(excerptSeconds), '-i', mediaArg(file), '-map', '0:a:0', '-vn', '-sn', '-dn', '-ac', '2', '-ar', String(sampleRate), '-f', 'f32le', 'pipe:1'];
  const proc = spawnTool(ffmpegPath(), args, signal);
  const acc = new ProductionAccumulator();
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const whole = buf.length - (buf.length % 4);
      // Copy into an aligned array (a Buffer's offset may not be 4-aligned).
      const pcm = new Float32Array(whole / 4);
      new Uint8Array(pcm.buffer).set(buf.subarray(0, whole));
      zeroNonFinite(pcm);
      acc.push(pcm);
      pending = buf.subarray(whole);
    }
    const exit = await proc.exited;
    if (signal?.aborted) throw cancelledError('production signature');
    if (exit.code !== 0) throw inputError(file, describeStderr(proc.stderr.text(), file) || `ffmpeg exited with ${exit.code ?? exit.signal}`);
  } finally {
    await proc.dispose().catch(() => undefined);
  }
  return acc.finish();
}

/** The cached signatures in `dir` (file content hash → signature), empty when there are none. */
export async function readProductionSignatures(dir: string): Promise<Map<string, Float32Array>> {
  const cache = await readVectorCache(dir, PRODUCTION_FILE);
  return cache && cache.spaceId === PRODUCTION_CACHE_ID ? cache.vectors : new Map();
}
