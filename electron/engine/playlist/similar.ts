import { topK } from '../search/kernels';
import type { TrackId } from '../search/types';
import { similarities, slotOrThrow, vectorAt, whyOf, type PlaylistEntry } from './entries';
import type { PlaylistSpace } from './space';

/** The k tracks closest to a track (music → music); score = cosine of the track vectors. */
export function similarTracks(store: PlaylistSpace, trackId: TrackId, k: number): PlaylistEntry[] {
  const slot = slotOrThrow(store, trackId);
  const query = vectorAt(store, slot);
  const sims = similarities(store, query);
  return topK(sims, k, (s) => s === slot).map((s) => ({ trackId: store.idAt(s), score: sims[s], ...whyOf(store, query, s) }));
}
