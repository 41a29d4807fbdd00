import type { FeatureSeq } from '../features/types';

export interface SegmentOptions {
  /** Steps per segment (16 steps × 0.5 s = 8 s). */
  window?: number;
  /** Steps between segment starts (2 steps = 1 s). */
  hop?: number;
}

export interface Segments {
  /** N × window × D, row-major: the encoder's input batch. */
  data: Float32Array;
  /** File time (seconds) where each segment starts. */
  starts: number[];
  /** Number of segments, N. */
  n: number;
  window: number;
  D: number;
}

export const DEFAULT_WINDOW = 16;
export const DEFAULT_HOP = 2;

/**
 * Cut a feature sequence into overlapping fixed-length windows for the encoder.
 *
 * A sequence shorter than one window still gives one segment, padded by repeating its last row.
 * Why not zeros: after standardisation a zero row is an extreme value (black frame, silence) that
 * the mean+std pooling would read as a real event; a held last row keeps the pooled statistics
 * close to what the short clip actually contains.
 * Starts are evenly spaced every `hop` steps; up to hop−1 trailing steps past the last full
 * window are left out (they are at most `hop × step` seconds and already inside earlier windows).
 */
export function segmentWindows(seq: FeatureSeq, options: SegmentOptions = {}): Segments {
  const window = options.window ?? DEFAULT_WINDOW;
  const hop = options.hop ?? DEFAULT_HOP;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`segment window must be a positive integer, got ${window}`);
  if (!Number.isInteger(hop) || hop < 1) throw new RangeError(`segment hop must be a positive integer, got ${hop}`);
  const { T, D } = seq;
  if (seq.data.length < T * D) throw new RangeError(`feature data holds ${seq.data.length} values, expected T×D = ${T * D}`);
  if (T === 0) return { data: new Float32Array(0), starts: [], n: 0, window, D };

  const n = T <= window ? 1 : Math.floor((T - window) / hop) + 1;
  const data = new Float32Array(n * window * D);
  const starts: number[] = [];
  for (let s = 0; s < n; s++) {
    const first = s * hop;
    starts.push(seq.start + first * seq.step);
    const base = s * window * D;
    const available = Math.min(window, T - first);
    data.set(seq.data.subarray(first * D, (first + available) * D), base);
    // Pad short inputs by holding the last row (see above).
    const last = seq.data.subarray((T - 1) * D, T * D);
    for (let r = available; r < window; r++) data.set(last, base + r * D);
  }
  return { data, starts, n, window, D };
}
