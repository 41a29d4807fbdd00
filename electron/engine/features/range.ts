import { rangeProblem } from '../../contract/clip-range';
import { inputError } from '../errors';
import { isDecodeError } from '../media/decode';
import { probe, stillImageCause, videoStream, type MediaInfo } from '../media/probe';
import type { Modality } from './types';

export interface ExtractOptions {
  /** Seconds from the file start. */
  start?: number;
  /** Seconds from `start`; to the end when absent. */
  duration?: number;
  signal?: AbortSignal;
  /** A probe result to reuse (saves one ffprobe run). */
  info?: MediaInfo;
  /** Called as decoding advances: seconds done of `total` for that modality. */
  onProgress?: (modality: Modality, done: number, total: number) => void;
}

/** Decoding stopped part-way; the features cover [start, start + decodedSeconds). */
export interface Partial {
  decodedSeconds: number;
  cause: string;
}

export interface ResolvedRange {
  info: MediaInfo;
  start: number;
  /** Seconds requested (undefined: to the end). */
  duration?: number;
  /** Seconds expected from `start`: the request clipped to the probed duration (for progress). */
  expected: number;
}

/** How long a file's picture lasts: its first moving-picture stream's own duration, else the file's. */
export function pictureSeconds(info: MediaInfo): number {
  return videoStream(info)?.duration ?? info.duration;
}

/**
 * A clip range [start, end] (end absent: to the end) checked against the clip's picture by the one
 * rule of match, fit and export (contract/clip-range.ts rangeProblem): refused as bad input naming
 * the clip, in the same words whichever asked.
 */
export function checkClipRange(file: string, info: MediaInfo, start: number, end: number | undefined): void {
  // A still image has no range to judge: said as what it is, not as "too short" (its one frame lasts 0.04 s).
  const still = stillImageCause(info);
  if (still) throw inputError(file, still);
  const fps = videoStream(info)?.fps;
  const problem = rangeProblem(start, end, pictureSeconds(info), fps && fps > 0 ? fps : 25, info.duration);
  if (problem) throw inputError(file, problem);
}

/** Probe (unless given) and clip the requested range to the file. */
export async function resolveRange(file: string, opts: ExtractOptions): Promise<ResolvedRange> {
  const info = opts.info ?? (await probe(file, opts.signal ? { signal: opts.signal } : {}));
  const start = opts.start ?? 0;
  if (!(start >= 0)) throw inputError(file, `start must be ≥ 0 (got ${start})`);
  if (opts.duration !== undefined && !(opts.duration > 0)) throw inputError(file, `duration must be > 0 (got ${opts.duration})`);
  if (start >= info.duration) {
    throw inputError(file, `start ${start} s is at or past the end (the file lasts ${info.duration.toFixed(3)} s)`);
  }
  const expected = Math.min(opts.duration ?? Infinity, info.duration - start);
  return { info, start, ...(opts.duration !== undefined ? { duration: opts.duration } : {}), expected };
}

/**
 * Why a decode of `r` gave nothing when the cause is the range, not the file (review R2.4: a start in
 * a clip's last frame read "no video frames could be decoded"): it starts at or past the stream's own
 * end (an audio stream may end before the picture), or it is shorter than `shortest` seconds, one
 * frame of the analysis; else undefined.
 */
export function emptyRangeCause(r: ResolvedRange, modality: Modality, shortest: number, unit: string): string | undefined {
  const stream = modality === 'video' ? videoStream(r.info) : r.info.streams.find((s) => s.type === 'audio');
  const end = stream?.duration ?? r.info.duration;
  if (r.start >= end) return `the range starts at ${r.start} s, at or past the end of the ${modality} (${end.toFixed(3)} s); choose an earlier start`;
  const seconds = Math.min(r.expected, end - r.start);
  if (seconds >= shortest) return undefined;
  return `the range ${r.start.toFixed(3)}–${(r.start + seconds).toFixed(3)} s lasts ${seconds.toFixed(3)} s, less than one ${unit} of the ${modality} analysis (${shortest.toFixed(3)} s): nothing to describe; choose a longer range`;
}

/**
 * Feed a decoder into an extractor. A decode that fails part-way keeps what came before it
 * (returned as `Partial`) when that fills at least one step; otherwise the error propagates. A
 * decode that gives nothing says `emptyCause` when the range explains it.
 */
export async function feed<T>(
  file: string,
  source: AsyncIterable<T>,
  push: (item: T) => void,
  seconds: () => number,
  minSeconds: number,
  what: string,
  emptyCause?: string,
): Promise<Partial | undefined> {
  let partial: Partial | undefined;
  try {
    for await (const item of source) push(item);
  } catch (err) {
    if (!isDecodeError(err) || seconds() < minSeconds) throw err;
    partial = { decodedSeconds: Math.round(seconds() * 1000) / 1000, cause: err.message };
  }
  if (seconds() === 0) throw inputError(file, emptyCause ?? `no ${what} could be decoded`);
  return partial;
}
