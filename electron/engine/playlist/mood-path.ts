import { usageError } from '../errors';
import { dotRows } from '../search/kernels';
import { normalizeInPlace } from '../search/segment-store';
import type { TrackId } from '../search/types';
import { checkLength, slotOrThrow, vectorAt, whyOf, type PlaylistEntry } from './entries';
import { candidates, countSet, EVERY_TRACK, slotPool, type TrackPool } from './pool';
import type { PlaylistSpace } from './space';
import { runSteps, type Steps } from './steps';

export interface MoodPathOptions {
  /** `length` is the most wanted: fewer tracks available make a shorter path, not an error. */
  atMost?: boolean;
  /** Weight of "close to the previous pick" against "close to the path point" when picking (default 0.3). */
  continuity?: number;
  /** The tracks that may be placed between the ends, and which are copies (default: every track, each its own). */
  pool?: TrackPool;
}

/** Point t ∈ [0,1] on the great circle from unit a to unit b (linear + renormalise when nearly parallel). */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  for (let x = 0; x < a.length; x++) dot += a[x] * b[x];
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  const out = new Float32Array(a.length);
  const sin = Math.sin(omega);
  const [wa, wb] = sin < 1e-4 ? [1 - t, t] : [Math.sin((1 - t) * omega) / sin, Math.sin(t * omega) / sin];
  for (let x = 0; x < a.length; x++) out[x] = wa * a[x] + wb * b[x];
  return normalizeInPlace(out);
}

/**
 * A path from one mood to another: `length` tracks from `fromId` to `toId`, no repeats; between
 * the ends only tracks the pool offers, never a copy of an end.
 * 1. Points at equal steps along the great circle between the two track vectors.
 * 2. At each point, the unused track maximising (1−c)·cos(point) + c·cos(previous pick).
 * 3. Smoothing: 2-opt on the interior order (endpoints fixed) while it shortens the path
 *    Σ(1 − cos) between neighbours, which removes zig-zags the greedy pass leaves.
 * score = cosine of the track to its path point (in a combined space: Σ weight · cosine, the why).
 */
export function moodPath(
  store: PlaylistSpace,
  fromId: TrackId,
  toId: TrackId,
  length: number,
  opts: MoodPathOptions = {},
): PlaylistEntry[] {
  return runSteps(moodPathSteps(store, fromId, toId, length, opts));
}

/** moodPath a pick, then a pass of the smoothing, at a time (steps.ts). */
export function* moodPathSteps(store: PlaylistSpace, fromId: TrackId, toId: TrackId, length: number, opts: MoodPathOptions = {}): Steps<PlaylistEntry[]> {
  const from = slotOrThrow(store, fromId);
  const to = slotOrThrow(store, toId);
  const pool = slotPool(store, opts.pool ?? EVERY_TRACK);
  if (pool.content[from] === pool.content[to]) {
    throw usageError(`a mood path needs two different tracks${from === to ? '' : ' (these two are copies of one file)'}`);
  }
  const free = candidates(pool, [from, to]);
  length = checkLength(length, countSet(free) + 2, opts.atMost);
  if (length < 2) throw usageError('a mood path has at least 2 tracks (its two ends)');
  const d = store.dim;
  const vectors = store.trackVectors();
  const c = opts.continuity ?? 0.3;
  const a = vectorAt(store, from);
  const b = vectorAt(store, to);
  // A combined space projects each point back part by part, so a point's score stays Σ weight · cosine.
  const points = Array.from({ length }, (_, s) => (store.project ? store.project(slerp(a, b, s / (length - 1))) : slerp(a, b, s / (length - 1))));

  const used = free.map((f) => 1 - f);
  const order = [from];
  // A plain function per pick: the hot loop stays out of the generator's frame, which V8 optimises less.
  const pickAt = (s: number): void => {
    const prev = order[s - 1];
    let best = -1;
    let bestValue = -Infinity;
    for (let t = 0; t < store.trackCount; t++) {
      if (used[t]) continue;
      const value = (1 - c) * dotRows(points[s], 0, vectors, t, d) + c * dotRows(vectors, prev, vectors, t, d);
      if (value > bestValue) [best, bestValue] = [t, value];
    }
    used[best] = 1;
    order.push(best);
  };
  for (let s = 1; s < length - 1; s++) {
    pickAt(s);
    yield { phase: 'pick', done: s, total: length - 2 };
  }
  order.push(to);
  yield* twoOpt(order, (p, q) => 1 - dotRows(vectors, p, vectors, q, d));
  return order.map((slot, s) => ({ trackId: store.idAt(slot), score: dotRows(points[s], 0, vectors, slot, d), ...whyOf(store, points[s], slot) }));
}

/** Reverse interior runs [i..j] of `order` while that shortens the path; ends stay put. */
function* twoOpt(order: number[], dist: (p: number, q: number) => number): Steps<void> {
  for (let pass = 0, improved = true; improved && pass < order.length ** 2; pass++) {
    improved = twoOptPass(order, dist);
    yield { phase: 'order', done: pass + 1, total: 0 };
  }
}

/** One pass of twoOpt over every interior run; whether it shortened the path. */
function twoOptPass(order: number[], dist: (p: number, q: number) => number): boolean {
  const n = order.length;
  let improved = false;
  for (let i = 1; i < n - 2; i++) {
    for (let j = i + 1; j < n - 1; j++) {
      const before = dist(order[i - 1], order[i]) + dist(order[j], order[j + 1]);
      const after = dist(order[i - 1], order[j]) + dist(order[i], order[j + 1]);
      if (after < before - 1e-9) {
        order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse());
        improved = true;
      }
    }
  }
  return improved;
}
