import { topK } from '../search/kernels';
import type { SegmentStore } from '../search/segment-store';
import type { TrackId } from '../search/types';
import { similarities, slotOrThrow, vectorAt, type PlaylistEntry } from './entries';

/** The k tracks closest to a track (music → music); score = cosine of the track vectors. */
export function similarTracks(store: SegmentStore, trackId: TrackId, k: number): PlaylistEntry[] {
  const slot = slotOrThrow(store, trackId);
  const sims = similarities(store, vectorAt(store, slot));
  return topK(sims, k, (s) => s === slot).map((s) => ({ trackId: store.idAt(s), score: sims[s] }));
}
