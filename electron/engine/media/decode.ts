import { closeSync, fstatSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cancelledError, NeedledropError, usageError } from '../errors';
import { ffmpegPath } from './ffmpeg-path';
import { expectedPcmBytes, openSpool, PacketBytes, type Spool } from './pcm-spool';
import { describeStderr, explain, mediaArg, spawnTool, type Exit } from './process';

/**
 * Streaming decoders: ffmpeg writes raw frames/PCM to a pipe and we hand them out as an async
 * iterable. No temp files (decodeAudioInto's spool is an unlinked file, see pcm-spool.ts). Reading is pull-based, so a slow consumer pauses the pipe and ffmpeg
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
 * Cuts a byte stream into chunks of `unitsPerChunk` whole units of `unit` bytes (fewer at the end;
 * a trailing partial unit is dropped), each in an ArrayBuffer of its own at offset 0 (or, with
 * `shareReads`, a view at a unit-aligned offset into the buffer of the read it came in). The chunk
 * boundaries depend only on the bytes, not on how the pipe delivered them, so every reader of the
 * same PCM sees the same chunks.
 */
class UnitChunker {
  private readonly target: number;
  private buf: Buffer;
  private fill = 0;
  /** Whole units handed out so far. */
  units = 0;

  /**
   * `shareReads`: a read of several whole chunks is handed out as views into its own buffer
   * instead of copies (the same bytes and boundaries), for consumers that read each chunk at once
   * and never transfer its buffer: a busy consumer lets ffmpeg's 32 KB writes pile up into 64 KB
   * reads, a quarter of a 240 s track's reads while the extractor runs.
   */
  constructor(
    private readonly unit: number,
    private readonly unitsPerChunk: number,
    private readonly shareReads = false,
  ) {
    this.target = unit * unitsPerChunk;
    // Fresh ArrayBuffers (not the shared pool): chunks are handed out and viewed as Float32Array.
    this.buf = Buffer.from(new ArrayBuffer(this.target));
  }

  push(chunk: Buffer, emit: (out: Buffer) => void): void {
    const { target } = this;
    // Most reads are exactly one whole chunk in an ArrayBuffer of their own: hand that out as
    // it is (the same bytes and boundaries as the copy below, without copying 21 MB a track).
    if (this.fill === 0 && chunk.length === target && chunk.byteOffset === 0 && chunk.buffer.byteLength === target) {
      this.units += this.unitsPerChunk;
      emit(chunk);
      return;
    }
    let off = 0;
    if (this.shareReads && this.fill === 0 && chunk.byteOffset % this.unit === 0) {
      for (; off + target <= chunk.length; off += target) {
        this.units += this.unitsPerChunk;
        emit(chunk.subarray(off, off + target));
      }
    }
    while (off < chunk.length) {
      const n = Math.min(target - this.fill, chunk.length - off);
      chunk.copy(this.buf, this.fill, off, off + n);
      this.fill += n;
      off += n;
      if (this.fill === target) {
        this.units += this.unitsPerChunk;
        const out = this.buf;
        this.buf = Buffer.from(new ArrayBuffer(target));
        this.fill = 0;
        emit(out);
      }
    }
  }

  /** The whole units left at the end of the stream. */
  end(emit: (out: Buffer) => void): void {
    const whole = this.fill - (this.fill % this.unit);
    if (whole === 0) return;
    this.units += whole / this.unit;
    emit(this.buf.subarray(0, whole));
  }
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
  const chunker = new UnitChunker(unit, unitsPerChunk);
  const ready: Buffer[] = [];
  const collect = (b: Buffer): void => void ready.push(b);
  try {
    for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
      // The pipe may still hold data after a kill: stop handing it out at once.
      if (signal?.aborted) throw cancelledError('decoding');
      chunker.push(chunk, collect);
      while (ready.length > 0) yield ready.shift()!;
    }
    chunker.end(collect);
    while (ready.length > 0) yield ready.shift()!;
    const exit = await proc.exited;
    if (signal?.aborted) throw cancelledError('decoding');
    if (exit.code !== 0) {
      const cause = describeStderr(errorLines(proc.stderr.text()), file) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
      throw new DecodeError(file, `decoding failed: ${explain(cause)}`, chunker.units * secondsPerUnit);
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

/**
 * The lines tagged error, fatal or panic, without their tag, from level-tagged stderr; with
 * `continuations` untagged lines pass too (what `-v error` would have printed).
 */
function errorLines(lines: string[], continuations = true): string[] {
  return lines.flatMap((l) => {
    const m = LEVEL_TAG.exec(l);
    if (!m) return continuations ? [l] : [];
    const level = m[1].toLowerCase();
    return level === 'error' || level === 'fatal' || level === 'panic' ? [l.replace(`[${m[1]}] `, '')] : [];
  });
}

/** The input dump part of ffmpeg's stderr: everything before "Stream mapping:" (what follows describes the output). */
function inputDumpOf(stderr: string): string {
  const end = stderr.indexOf('Stream mapping:');
  return end < 0 ? stderr : stderr.slice(0, end);
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
    return inputDumpOf(Buffer.concat(this.chunks).toString('utf8'));
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

/** Samples per PCM chunk handed out (the last of a file may be shorter). */
const PCM_CHUNK_SAMPLES = 8192;

/** The options that pick input `input`'s first audio stream and make it decodeAudio's mono PCM at `sampleRate`. */
function audioStreamArgs(input: number, sampleRate: number): string[] {
  return ['-map', `${input}:a:0`, '-vn', '-sn', '-dn', '-ac', '1', '-rematrix_maxval', '1', '-ar', String(sampleRate)];
}

/** The output options that turn input `input`'s first audio stream into decodeAudio's PCM, written to `target`. */
function audioOutputArgs(input: number, sampleRate: number, target: string): string[] {
  return [
    ...audioStreamArgs(input, sampleRate),
    // To a pipe ffmpeg flushes every packet (~3 KB of PCM): ~6000 reads per 200 s track cost node
    // ~0.1 CPU-s, a quarter of the decode itself. Whole 32 KB blocks: ~530 reads, ~0.02–0.05 CPU-s.
    '-flush_packets', '0', '-f', 'f32le', target,
  ];
}

/** decodeAudio's options up to its input (with the input dump when asked; `inputOptions` before -i); a bad rate is a usage error. */
function audioInputArgs(file: string, opts: AudioDecodeOptions, withDump: boolean, inputOptions: string[] = []): string[] {
  if (!Number.isInteger(opts.sampleRate) || opts.sampleRate < 1000) throw usageError(`bad audio sample rate ${opts.sampleRate}`);
  return [...(withDump ? BASE_WITH_DUMP : BASE), ...rangeArgs(opts), ...inputOptions, '-i', mediaArg(file)];
}

/** decodeAudio's command line for one file (with the input dump when asked); a bad rate is a usage error. */
function audioDecodeArgs(file: string, opts: AudioDecodeOptions, withDump: boolean): string[] {
  return [...audioInputArgs(file, opts, withDump), ...audioOutputArgs(0, opts.sampleRate, 'pipe:1')];
}

/** Hands one chunk to `onPcm` with its non-finite samples silenced, counting both in `stats`. */
function emitPcm(pcm: Float32Array, stats: BatchedFile, onPcm: (pcm: Float32Array) => void): void {
  stats.nonFinite += zeroNonFinite(pcm);
  stats.samples += pcm.length;
  onPcm(pcm);
}

/** How decodeAudioInto ends once every chunk was handed out and ffmpeg exited 0: invalid samples, or clean with the input dump. */
function endCleanDecode(file: string, opts: AudioDecodeOptions, stats: BatchedFile, dump: InputDumpCollector | undefined): void {
  if (stats.nonFinite > 0) throw nonFiniteError(file, stats.nonFinite, stats.samples / opts.sampleRate);
  if (dump) opts.onInputDump?.(dump.text());
}

/** How a decode that silenced non-finite samples ends, after handing out all of its PCM. */
function nonFiniteError(file: string, count: number, seconds: number): DecodeError {
  return new DecodeError(file, `the audio holds ${count} invalid samples (NaN or infinite), replaced by silence`, seconds);
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
  const dump = opts.onInputDump ? new InputDumpCollector() : undefined;
  const args = audioDecodeArgs(file, opts, dump !== undefined);
  let samples = 0;
  let nonFinite = 0;
  for await (const chunk of pipeUnits(file, args, 4, PCM_CHUNK_SAMPLES, 1 / sampleRate, opts.signal, dump?.push)) {
    // Each chunk is a fresh buffer at offset 0, so the view is aligned; f32le matches every host we run on.
    const pcm = new Float32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 4);
    nonFinite += zeroNonFinite(pcm);
    samples += pcm.length;
    yield pcm;
  }
  if (nonFinite > 0) throw nonFiniteError(file, nonFinite, samples / sampleRate);
  if (dump) opts.onInputDump?.(dump.text());
}

/**
 * Reads one PCM pipe with a 'data' listener and hands `onPcm` decodeAudio's chunks (the same
 * UnitChunker cut, non-finite samples silenced and counted in `stats`; a chunk may be a view into
 * a read's own buffer, which nothing else uses). 'data' handlers run to
 * the end before the next read, so a busy consumer holds ffmpeg back through the pipe as
 * decodeAudio's pull does, without an async iterator, a generator and promises per read.
 * Resolves at the pipe's end; an error of onPcm or of the pipe goes to `fail`.
 */
function readPcm(out: Readable, stats: BatchedFile, onPcm: (pcm: Float32Array) => void, stopped: () => boolean, fail: (err: unknown) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const chunker = new UnitChunker(4, PCM_CHUNK_SAMPLES, true);
    const emit = (chunk: Buffer): void => {
      // One read can hold several chunks: a consumer that aborted (or failed) on one gets no more.
      if (stopped()) return;
      emitPcm(new Float32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength / 4), stats, onPcm);
    };
    out.on('data', (chunk: Buffer) => {
      // The pipe may still hold data after a kill or a failure: stop handing it out at once.
      if (stopped()) return;
      try {
        chunker.push(chunk, emit);
      } catch (err) {
        fail(err);
      }
    });
    out.once('end', () => {
      if (!stopped()) {
        try {
          chunker.end(emit);
        } catch (err) {
          fail(err);
        }
      }
      resolve();
    });
    out.once('error', (err) => {
      fail(err);
      resolve();
    });
  });
}

/** Options of decodeAudioInto beyond decodeAudio's. */
export interface DecodeIntoOptions extends AudioDecodeOptions {
  /** Where the PCM may be spooled (default openSpool: /dev/shm when it has room); null: through the pipe. */
  spool?: () => Spool | null;
  /** Called when a spool was tried: null when the PCM came from it, else why the pipe decoded the file instead. */
  onSpool?: (fellBack: string | null) => void;
}

/**
 * decodeAudio for a consumer that takes every chunk as it comes: the same PCM in the same chunks,
 * handed to `onPcm` instead of pulled through decodeAudio's async generator. It settles as that
 * iterator ends: with a DecodeError when ffmpeg fails (carrying the seconds decoded, after the PCM
 * before the failure was handed out) or when samples were not finite (after all of it), cancelled
 * on abort, with onPcm's own error; onInputDump as decodeAudio calls it. A chunk is valid only
 * during its onPcm call (it may be a view into a buffer used again): copy what you keep.
 *
 * Where a spool is available (pcm-spool.ts) ffmpeg writes the PCM into it and node reads it after
 * ffmpeg ends; a spooled decode that did not end cleanly with every byte in place (a decoding
 * error, a full /dev/shm, more PCM than the spool's cap) hands out nothing and the file is decoded
 * again through the pipe, so every ending is the pipe's own. Why: node's CPU for a 240 s track's
 * PCM, ~650 pipe reads of fresh 32 KB buffers and the garbage they make, fell by ~29 ms a track in
 * the indexer (docs/catalog.md, 2026-12-01 08:15). The pipe's 'data' listener in turn saves the
 * async generator's promise chain and stream bookkeeping per read (2026-12-01 01:40).
 */
export async function decodeAudioInto(file: string, opts: DecodeIntoOptions, onPcm: (pcm: Float32Array) => void): Promise<void> {
  const spool = (opts.spool ?? openSpool)();
  if (spool) {
    let fellBack: string | null;
    try {
      const expected = expectedPcmBytes(fileSize(file), file, opts.sampleRate, opts.duration);
      fellBack = expected > spool.cap ? `its PCM would outgrow the spool's ${spool.cap} bytes (about ${Math.round(expected)} by the file's size)` : await decodeViaSpool(file, opts, spool, onPcm);
    } finally {
      closeSync(spool.fd);
    }
    opts.onSpool?.(fellBack);
    if (fellBack === null) return;
  }
  return decodeThroughPipe(file, opts, onPcm);
}

/** The file's size, or 0 where it cannot be read (the decode then says why). */
function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes of spool read at a time: 32 whole chunks, so the chunks are cut where UnitChunker cuts them. */
const SPOOL_READ_BYTES = 32 * PCM_CHUNK_SAMPLES * 4;
/** One read buffer per thread, used again by every spooled decode (fresh buffers are what the spool saves). */
let spoolBuffer: Buffer | undefined;

/**
 * decodeAudioInto's PCM through a spool. ffmpeg writes one output through the tee muxer to two
 * places: the spool (fd 3) and, on stdout, a framecrc line per packet. Those lines say how many
 * bytes ffmpeg wrote (checked against the file, so a short write can never pass for a whole
 * track), let node stop a decode that outgrows the spool's cap, and tie ffmpeg to node: once node
 * is gone (killed, or its worker terminated) the next line's write fails and the tee (onfail=abort)
 * ends ffmpeg, instead of it decoding the rest of the track into RAM. 64k-sample frames after the
 * resampler (asetnsamples, no padding of the last) give the same PCM bytes in ~80 packets a
 * 240 s track (with ffmpeg's own ~9,000 the tee and framecrc cost it ~40 ms more a track).
 * Returns null when the PCM was handed out, else why this run cannot stand in for the pipe's
 * (nothing was handed out then). Throws when cancelled and when onPcm throws.
 */
async function decodeViaSpool(file: string, opts: DecodeIntoOptions, spool: Spool, onPcm: (pcm: Float32Array) => void): Promise<string | null> {
  const { sampleRate, signal } = opts;
  const dump = opts.onInputDump ? new InputDumpCollector() : undefined;
  // decodeAudio's input and stream options with other outputs, and no filter graph rebuilt
  // mid-file: a rebuild (the sample rate or layout changing part-way, as in joined or damaged
  // mp3s) drops the samples asetnsamples holds, so there ffmpeg fails instead ("Error while
  // processing the decoded data", exit 1) and the pipe decodes the file.
  const args = [
    ...audioInputArgs(file, opts, dump !== undefined, ['-reinit_filter', '0']),
    ...audioStreamArgs(0, sampleRate),
    // The resampler first (the same frames as the pipe's decode: it spreads a NaN differently
    // over other frame sizes), then 64k-sample frames for the canary.
    '-af', `aformat=sample_fmts=flt:sample_rates=${sampleRate}:channel_layouts=mono,asetnsamples=n=65536:p=0`,
    '-c:a', 'pcm_f32le', '-f', 'tee', '[f=f32le:onfail=abort]pipe:3|[f=framecrc:onfail=abort]pipe:1',
  ];
  const proc = spawnTool(ffmpegPath(), args, signal, 0, undefined, [spool.fd]);
  if (dump) proc.child.stderr.on('data', dump.push);
  const written = new PacketBytes();
  let overCap = false;
  proc.child.stdout.on('data', (d: Buffer) => {
    written.push(d);
    if (written.total > spool.cap && !overCap) {
      overCap = true;
      void proc.dispose();
    }
  });
  let exit: Exit;
  try {
    exit = await proc.exited;
  } finally {
    await proc.dispose().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelledError('decoding');
  if (overCap) return `its PCM outgrew the spool's ${spool.cap} bytes`;
  if (exit.code !== 0) return `ffmpeg exited with ${exit.code ?? exit.signal}`;
  const size = fstatSync(spool.fd).size;
  const wrote = written.end();
  if (wrote !== size) return `the spool holds ${size} of the ${wrote} bytes ffmpeg wrote`;

  const buf = (spoolBuffer ??= Buffer.from(new ArrayBuffer(SPOOL_READ_BYTES)));
  const chunkBytes = PCM_CHUNK_SAMPLES * 4;
  const stats: BatchedFile = { samples: 0, nonFinite: 0 };
  for (let pos = 0; pos < size; ) {
    const want = Math.min(buf.length, size - pos);
    for (let got = 0; got < want; ) {
      const n = readSync(spool.fd, buf, got, want - got, pos + got);
      if (n === 0) throw new NeedledropError('internal', `${file}: the PCM spool ended at ${pos + got} of ${size} bytes`);
      got += n;
    }
    pos += want;
    // A trailing partial sample is dropped, as UnitChunker drops it.
    const whole = want - (want % 4);
    for (let off = 0; off < whole; off += chunkBytes) {
      // Nothing more after an abort, even the rest of this read.
      if (signal?.aborted) throw cancelledError('decoding');
      emitPcm(new Float32Array(buf.buffer, buf.byteOffset + off, Math.min(chunkBytes, whole - off) / 4), stats, onPcm);
    }
    // Let a cancel (a worker's message) land between reads, as it would between pipe reads.
    if (pos < size) await nextTurn();
    if (signal?.aborted) throw cancelledError('decoding');
  }
  endCleanDecode(file, opts, stats, dump);
  return null;
}

/** decodeAudioInto through ffmpeg's stdout pipe, read with a 'data' listener (readPcm). */
async function decodeThroughPipe(file: string, opts: AudioDecodeOptions, onPcm: (pcm: Float32Array) => void): Promise<void> {
  const { sampleRate, signal } = opts;
  const dump = opts.onInputDump ? new InputDumpCollector() : undefined;
  const args = audioDecodeArgs(file, opts, dump !== undefined);
  const proc = spawnTool(ffmpegPath(), args, signal);
  if (dump) proc.child.stderr.on('data', dump.push);
  const stats: BatchedFile = { samples: 0, nonFinite: 0 };
  let failure: unknown;
  const fail = (err: unknown): void => {
    failure ??= err;
    void proc.dispose();
  };
  let exit: Exit;
  try {
    [exit] = await Promise.all([proc.exited, readPcm(proc.child.stdout, stats, onPcm, () => failure !== undefined || signal?.aborted === true, fail)]);
  } finally {
    await proc.dispose().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelledError('decoding');
  if (failure !== undefined) throw failure;
  if (exit.code !== 0) {
    const cause = describeStderr(errorLines(proc.stderr.text()), file) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
    throw new DecodeError(file, `decoding failed: ${explain(cause)}`, stats.samples / sampleRate);
  }
  endCleanDecode(file, opts, stats, dump);
}

/** How a batch decode went for one of its files. */
export interface BatchedFile {
  /** Samples handed to onPcm. */
  samples: number;
  /** NaN/±Inf samples replaced by silence (decodeAudio would have ended with a DecodeError). */
  nonFinite: number;
}

export interface AudioBatchResult {
  /**
   * ffmpeg exited cleanly and printed no error: each file's PCM is exactly what decodeAudio gives
   * for it alone. When false, `cause` says why, and which file was at fault is unknown: decode the
   * files one by one to get each its own outcome.
   */
  clean: boolean;
  cause?: string;
  /** ffmpeg's input dumps ("Input #0", "Input #1", … in file order): parseInputDump(dump, k). */
  dump: string;
  files: BatchedFile[];
}

/** A clean batch prints a few KiB of dumps; more than this is something to look at one file at a time. */
const BATCH_STDERR_MAX = 1 << 20;

/**
 * decodeAudio for several whole files in one ffmpeg process, so its start-up (~0.07–0.1 CPU-s with
 * Debian's shared-library build: a 30 s track's whole decode costs little more) is paid once for
 * all. Each file has its own input, its own resampler and its own output pipe, so its PCM is
 * bit for bit what decodeAudio yields, in the same chunks; `onPcm(k, pcm)` gets file k's chunks
 * as they come (ffmpeg interleaves the files by time), non-finite samples already silenced.
 *
 * One process for all means one fate for all: a file ffmpeg cannot open fails the whole run, and
 * a decoding error cannot be told apart by file. So this never throws for bad input: it says the
 * batch was not clean, and the caller decodes those files alone. It throws when cancelled, when
 * onPcm throws (after ending ffmpeg), or when ffmpeg cannot start. POSIX only (extra pipes).
 */
export async function decodeAudioBatch(
  files: readonly string[],
  opts: { sampleRate: number; signal?: AbortSignal },
  onPcm: (file: number, pcm: Float32Array) => void,
): Promise<AudioBatchResult> {
  const { sampleRate, signal } = opts;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000) throw usageError(`bad audio sample rate ${sampleRate}`);
  const args = [
    ...BASE_WITH_DUMP,
    ...files.flatMap((f) => ['-i', mediaArg(f)]),
    ...files.flatMap((_, k) => audioOutputArgs(k, sampleRate, `pipe:${k + 3}`)),
  ];
  const proc = spawnTool(ffmpegPath(), args, signal, files.length);
  const stderr: Buffer[] = [];
  let stderrBytes = 0;
  proc.child.stderr.on('data', (d: Buffer) => {
    stderrBytes += d.length;
    if (stderrBytes <= BATCH_STDERR_MAX) stderr.push(d);
  });
  const stats: BatchedFile[] = files.map(() => ({ samples: 0, nonFinite: 0 }));
  let failure: unknown;
  const fail = (err: unknown): void => {
    failure ??= err;
    void proc.dispose();
  };
  const stopped = (): boolean => failure !== undefined || signal?.aborted === true;
  const ended = proc.outputs.map((out, k) => readPcm(out, stats[k], (pcm) => onPcm(k, pcm), stopped, fail));
  let exit: Exit;
  try {
    [exit] = await Promise.all([proc.exited, ...ended]);
  } finally {
    await proc.dispose().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelledError('decoding');
  if (failure !== undefined) throw failure;
  const text = Buffer.concat(stderr).toString('utf8');
  const result = { dump: inputDumpOf(text), files: stats };
  const errors = errorLines(text.split(/\r?\n/), false);
  if (exit.code !== 0) return { ...result, clean: false, cause: `ffmpeg exited with ${exit.code ?? exit.signal}` };
  if (stderrBytes > BATCH_STDERR_MAX) return { ...result, clean: false, cause: 'ffmpeg said more than a clean decode does' };
  if (errors.length > 0) return { ...result, clean: false, cause: `ffmpeg reported errors: ${errors.slice(0, 3).join('; ')}` };
  return { ...result, clean: true };
}

/** Replace NaN/±Inf by 0 in place; returns how many there were. */
export function zeroNonFinite(pcm: Float32Array): number {
  // The common case, none, first: x·0 is ±0 for a finite x and NaN for NaN or ±Inf, so four
  // running sums of x·0 (independent chains, no branch per sample) end non-zero exactly when
  // one is there: ~1.7× faster over a track than testing the exponent bits four at a time.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  const len = pcm.length;
  for (; i + 4 <= len; i += 4) {
    a += pcm[i] * 0;
    b += pcm[i + 1] * 0;
    c += pcm[i + 2] * 0;
    d += pcm[i + 3] * 0;
  }
  for (; i < len; i++) a += pcm[i] * 0;
  if (a + b + c + d === 0) return 0;
  let n = 0;
  for (let j = 0; j < len; j++) {
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
