import { cancelledError, NeedledropError, usageError } from '../errors';
import { ffmpegPath } from './ffmpeg-path';
import { describeStderr, explain, mediaArg, spawnTool } from './process';

/**
 * Streaming decoders: ffmpeg writes raw frames/PCM to a pipe and we hand them out as an async
 * iterable. No temp files. Reading is pull-based, so a slow consumer pauses the pipe and ffmpeg
 * blocks (backpressure). The process is killed when the signal aborts or the consumer stops
 * early (break/return/throw), and is always reaped before the iterator settles.
 *
 * Failure part-way: everything decoded before the failure has already been yielded; the
 * iterator then throws a DecodeError (kind 'input') carrying how many seconds were decoded, so
 * a caller may keep the partial data (features do, and mark it) or drop it.
 */

export interface Range {
  /** Seconds from the file start (input seeking). */
  start?: number;
  /** Seconds to decode from `start`; to the end when absent. */
  duration?: number;
  signal?: AbortSignal;
}

export interface VideoDecodeOptions extends Range {
  fps: number;
  width: number;
  height: number;
}

export interface AudioDecodeOptions extends Range {
  sampleRate: number;
  /**
   * Called after a clean decode with ffmpeg's own description of the input (its "Input #0" dump:
   * container, duration, streams, tags; see probe.ts parseInputDump), so a caller that needs only
   * that much of a probe saves starting ffprobe. Not called when the decode fails.
   */
  onInputDump?: (dump: string) => void;
}

export interface VideoFrame {
  /** Seconds from `start` (frame i is at i / fps). */
  time: number;
  index: number;
  /** width × height × 3 bytes, RGB24, row-major. Owned by the consumer. */
  data: Uint8Array;
}

/** A decode that ended in an ffmpeg error after `decodedSeconds` of output. */
export class DecodeError extends NeedledropError {
  readonly decodedSeconds: number;
  constructor(file: string, cause: string, decodedSeconds: number) {
    super('input', `${file}: ${cause}`, { file });
    this.decodedSeconds = decodedSeconds;
  }
}

function rangeArgs(r: Range): string[] {
  const a: string[] = [];
  if (r.start !== undefined) {
    if (!(r.start >= 0)) throw usageError(`start must be ≥ 0, got ${r.start}`);
    if (r.start > 0) a.push('-ss', String(r.start));
  }
  if (r.duration !== undefined) {
    if (!(r.duration > 0)) throw usageError(`duration must be > 0, got ${r.duration}`);
    a.push('-t', String(r.duration));
  }
  return a;
}

/**
 * Run ffmpeg and yield its stdout in whole units of `unit` bytes, `unitsPerChunk` at a time
 * (fewer at the end). A trailing partial unit is dropped.
 */
async function* pipeUnits(
  file: string,
  args: string[],
  unit: number,
  unitsPerChunk: number,
  secondsPerUnit: number,
  signal: AbortSignal | undefined,
  onStderr?: (chunk: Buffer) => void,
): AsyncGenerator<Buffer> {
  const proc = spawnTool(ffmpegPath(), args, signal);
  if (onStderr) proc.child.stderr.on('data', onStderr);
  const target = unit * unitsPerChunk;
  // Fresh ArrayBuffers (not the shared pool): chunks are handed out and viewed as Float32Array.
  let buf = Buffer.from(new ArrayBuffer(target));
  let fill = 0;
  let units = 0;
  try {
    for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
      // The pipe may still hold data after a kill: stop handing it out at once.
      if (signal?.aborted) throw cancelledError('decoding');
      // Most reads are exactly one whole chunk in an ArrayBuffer of their own: hand that out as
      // it is (the same bytes and boundaries as the copy below, without copying 21 MB a track).
      if (fill === 0 && chunk.length === target && chunk.byteOffset === 0 && chunk.buffer.byteLength === target) {
        units += unitsPerChunk;
        yield chunk;
        continue;
      }
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(target - fill, chunk.length - off);
        chunk.copy(buf, fill, off, off + n);
        fill += n;
        off += n;
        if (fill === target) {
          units += unitsPerChunk;
          const out = buf;
          buf = Buffer.from(new ArrayBuffer(target));
          fill = 0;
          yield out;
        }
      }
    }
    const whole = fill - (fill % unit);
    if (whole > 0) {
      units += whole / unit;
      yield buf.subarray(0, whole);
    }
    const exit = await proc.exited;
    if (signal?.aborted) throw cancelledError('decoding');
    if (exit.code !== 0) {
      const cause = describeStderr(errorLines(proc.stderr.text()), file) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
      throw new DecodeError(file, `decoding failed: ${explain(cause)}`, units * secondsPerUnit);
    }
  } finally {
    await proc.dispose().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelledError('decoding');
}

const BASE = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats'];
/** As BASE, but info lines too (the input dump), each tagged with its level so errors can be told apart. */
const BASE_WITH_DUMP = ['-nostdin', '-hide_banner', '-loglevel', 'level+info', '-nostats'];

const LEVEL_TAG = /^(?:\[[^\]]+ @ 0x[0-9a-f]+\] )?\[(info|warning|verbose|debug|trace|error|fatal|panic)\] /i;

/** The lines `-v error` would have printed, from level-tagged stderr (untagged lines pass: continuations). */
function errorLines(lines: string[]): string[] {
  return lines.flatMap((l) => {
    const m = LEVEL_TAG.exec(l);
    if (!m) return [l];
    const level = m[1].toLowerCase();
    return level === 'error' || level === 'fatal' || level === 'panic' ? [l.replace(`[${m[1]}] `, '')] : [];
  });
}

/**
 * Collects the input dump from level-tagged stderr: everything before "Stream mapping:" (what follows
 * describes the output), at most 1 MiB. Bytes are kept whole and decoded once, so no character is
 * split across pipe reads.
 */
class InputDumpCollector {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private done = false;

  readonly push = (chunk: Buffer): void => {
    if (this.done) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes > 1 << 20 || chunk.includes('Stream mapping:')) this.done = true;
  };

  text(): string {
    const all = Buffer.concat(this.chunks).toString('utf8');
    const end = all.indexOf('Stream mapping:');
    return end < 0 ? all : all.slice(0, end);
  }
}

/** RGB24 frames at a fixed rate and size (aspect is the caller's choice), from the first video stream. */
export async function* decodeVideoFrames(file: string, opts: VideoDecodeOptions): AsyncGenerator<VideoFrame> {
  const { fps, width, height } = opts;
  if (!(fps > 0) || !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw usageError(`bad video decode size/rate: ${width}×${height} @ ${fps} fps`);
  }
  // fps before scale: only the kept frames are scaled. Area averaging keeps small frames alias-free.
  const vf = `fps=${fps},scale=${width}:${height}:flags=area,format=rgb24`;
  const args = [...BASE, ...rangeArgs(opts), '-i', mediaArg(file), '-map', '0:V:0', '-an', '-sn', '-dn', '-vf', vf, '-f', 'rawvideo', 'pipe:1'];
  const frameBytes = width * height * 3;
  let index = 0;
  for await (const chunk of pipeUnits(file, args, frameBytes, 1, 1 / fps, opts.signal)) {
    yield { time: index / fps, index, data: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) };
    index++;
  }
}

/**
 * Mono float PCM at a fixed rate from the first audio stream, in chunks of ~0.1–0.4 s.
 *
 * Downmix: the channels' mean (swresample normalised to a gain of at most 1), so the same
 * content reads equally loud in mono, stereo or 7.1; ffmpeg's default float downmix sums them
 * (+3 dB for stereo, +13 dB for 7.1).
 *
 * Non-finite samples (NaN/Inf in a float file; the resampler spreads them to their neighbours)
 * are replaced by silence as they pass, so no NaN reaches a descriptor; when there were any, the
 * iterator ends with a DecodeError after yielding everything, which the feature extractor keeps
 * as a `partial` result naming the cause.
 */
export async function* decodeAudio(file: string, opts: AudioDecodeOptions): AsyncGenerator<Float32Array> {
  const { sampleRate } = opts;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000) throw usageError(`bad audio sample rate ${sampleRate}`);
  const dump = opts.onInputDump ? new InputDumpCollector() : undefined;
  const args = [
    ...(dump ? BASE_WITH_DUMP : BASE), ...rangeArgs(opts), '-i', mediaArg(file), '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-ac', '1', '-rematrix_maxval', '1', '-ar', String(sampleRate),
    // To a pipe ffmpeg flushes every packet (~3 KB of PCM): ~6000 reads per 200 s track cost node
    // ~0.1 CPU-s, a quarter of the decode itself. Whole 32 KB blocks: ~530 reads, ~0.02–0.05 CPU-s.
    '-flush_packets', '0', '-f', 'f32le', 'pipe:1',
  ];
  let samples = 0;
  let nonFinite = 0;
  for await (const chunk of pipeUnits(file, args, 4, 8192, 1 / sampleRate, opts.signal, dump?.push)) {
    // Each chunk is a fresh buffer at offset 0, so the view is aligned; f32le matches every host we run on.
    const pcm = new Float32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 4);
    nonFinite += zeroNonFinite(pcm);
    samples += pcm.length;
    yield pcm;
  }
  if (nonFinite > 0) {
    throw new DecodeError(file, `the audio holds ${nonFinite} invalid samples (NaN or infinite), replaced by silence`, samples / sampleRate);
  }
  if (dump) opts.onInputDump?.(dump.text());
}

/** An f32's exponent bits: all ones exactly when it is NaN or ±Inf. */
const EXPONENT = 0x7f800000;

/** Replace NaN/±Inf by 0 in place; returns how many there were. */
export function zeroNonFinite(pcm: Float32Array): number {
  // The common case, none, read as integers four at a time (no float conversion per sample:
  // ~2× faster than the test below over a track); the rare file with some takes the loop below.
  const bits = new Int32Array(pcm.buffer, pcm.byteOffset, pcm.length);
  let i = 0;
  let found = false;
  for (; i + 4 <= bits.length && !found; i += 4) {
    found = (bits[i] & EXPONENT) === EXPONENT || (bits[i + 1] & EXPONENT) === EXPONENT || (bits[i + 2] & EXPONENT) === EXPONENT || (bits[i + 3] & EXPONENT) === EXPONENT;
  }
  for (; i < bits.length && !found; i++) found = (bits[i] & EXPONENT) === EXPONENT;
  if (!found) return 0;
  let n = 0;
  for (let j = 0; j < pcm.length; j++) {
    // x - x is NaN exactly when x is NaN or infinite: one test per sample.
    if (pcm[j] - pcm[j] !== 0) {
      pcm[j] = 0;
      n++;
    }
  }
  return n;
}

/** Rethrow anything that is not a part-way decode failure. */
export function isDecodeError(err: unknown): err is DecodeError {
  return err instanceof DecodeError;
}
