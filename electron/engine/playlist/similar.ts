import { topK } from '../search/kernels';
import type { TrackId } from '../search/types';
import { similarities, slotOrThrow, vectorAt, whyOf, type PlaylistEntry } from './entries';
import { candidates, EVERY_TRACK, slotPool, type TrackPool } from './pool';
import type { PlaylistSpace } from './space';

/**
 * The k tracks closest to a track (music → music) among those the pool offers, never the track
 * or a copy of it; score = cosine of the track vectors.
 */
export function similarTracks(store: PlaylistSpace, trackId: TrackId, k: number, pool: TrackPool = EVERY_TRACK): PlaylistEntry[] {
  const slot = slotOrThrow(store, trackId);
  const free = candidates(slotPool(store, pool), [slot]);
  const query = vectorAt(store, slot);
  const sims = similarities(store, query);
  return topK(sims, k, (s) => !free[s]).map((s) => ({ trackId: store.idAt(s), score: sims[s], ...whyOf(store, query, s) }));
}
