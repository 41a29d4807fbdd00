import { inputError } from '../errors';
import { isDecodeError } from '../media/decode';
import { probe, type MediaInfo } from '../media/probe';
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
 * Feed a decoder into an extractor. A decode that fails part-way keeps what came before it
 * (returned as `Partial`) when that fills at least one step; otherwise the error propagates.
 */
export async function feed<T>(
  file: string,
  source: AsyncIterable<T>,
  push: (item: T) => void,
  seconds: () => number,
  minSeconds: number,
  what: string,
): Promise<Partial | undefined> {
  let partial: Partial | undefined;
  try {
    for await (const item of source) push(item);
  } catch (err) {
    if (!isDecodeError(err) || seconds() < minSeconds) throw err;
    partial = { decodedSeconds: Math.round(seconds() * 1000) / 1000, cause: err.message };
  }
  if (seconds() === 0) throw inputError(file, `no ${what} could be decoded`);
  return partial;
}
