import { dotRows } from '../search/kernels';
import type { TrackId } from '../search/types';
import { checkLength, projected, similarities, slotOrThrow, whyOf, type PlaylistEntry } from './entries';
import { candidates, countSet, EVERY_TRACK, slotPool, type TrackPool } from './pool';
import type { PlaylistSpace } from './space';
import { runSteps, type Steps } from './steps';

export interface MoreLikeOptions {
  /** `length` is the most wanted: fewer tracks available make a shorter list, not an error. */
  atMost?: boolean;
  /**
   * 0 = pure nearest-to-centroid, 1 = pure spread. Each pick maximises
   * (1 − diversity)·cos(centroid) − diversity·max cos(already picked), so the list stays
   * on the seeds' mood without being ten near-copies of one track.
   */
  diversity?: number;
  /** The tracks that may be placed, and which are copies (default: every track, each its own). */
  pool?: TrackPool;
}

/**
 * "More like these": tracks near the seeds' centroid, diverse, no repeats, seeds and their copies
 * left out, only tracks the pool offers. score =
 * cosine to the centroid (in a combined space: Σ weight · cosine per space, given as the why).
 */
export function moreLike(store: PlaylistSpace, seedIds: TrackId[], length: number, opts: MoreLikeOptions = {}): PlaylistEntry[] {
  return runSteps(moreLikeSteps(store, seedIds, length, opts));
}

/** moreLike a pick at a time (steps.ts). */
export function* moreLikeSteps(store: PlaylistSpace, seedIds: TrackId[], length: number, opts: MoreLikeOptions = {}): Steps<PlaylistEntry[]> {
  const seeds = new Set(seedIds.map((id) => slotOrThrow(store, id)));
  const free = candidates(slotPool(store, opts.pool ?? EVERY_TRACK), [...seeds]);
  length = checkLength(length, countSet(free), opts.atMost);
  const d = store.dim;
  const vectors = store.trackVectors();
  const centroid = new Float32Array(d);
  for (const slot of seeds) for (let x = 0; x < d; x++) centroid[x] += vectors[slot * d + x];
  projected(store, centroid);
  const relevance = similarities(store, centroid);
  const diversity = opts.diversity ?? 0.3;

  // redundancy[s] = max cosine of slot s to anything picked so far, updated per pick.
  const redundancy = new Float32Array(store.trackCount).fill(-1);
  const used = free.map((f) => 1 - f);
  const picks: PlaylistEntry[] = [];
  // A plain function per pick: the hot loops stay out of the generator's frame, which V8 optimises less.
  const pickOne = (): void => {
    let best = -1;
    let bestValue = -Infinity;
    for (let s = 0; s < store.trackCount; s++) {
      if (used[s]) continue;
      const value = (1 - diversity) * relevance[s] - (picks.length > 0 ? diversity * redundancy[s] : 0);
      if (value > bestValue) [best, bestValue] = [s, value];
    }
    used[best] = 1;
    picks.push({ trackId: store.idAt(best), score: relevance[best], ...whyOf(store, centroid, best) });
    for (let s = 0; s < store.trackCount; s++) {
      if (!used[s]) redundancy[s] = Math.max(redundancy[s], dotRows(vectors, s, vectors, best, d));
    }
  };
  while (picks.length < length) {
    pickOne();
    yield { phase: 'pick', done: picks.length, total: length };
  }
  return picks;
}
