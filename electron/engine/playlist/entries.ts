import { usageError } from '../errors';
import { dotBlock } from '../search/kernels';
import type { SegmentStore } from '../search/segment-store';
import type { TrackId } from '../search/types';

/** One playlist entry; what `score` means is stated by the function that made it. */
export interface PlaylistEntry {
  trackId: TrackId;
  score: number;
}

/** The slot of a track the user named, or a usage error naming it. */
export function slotOrThrow(store: SegmentStore, id: TrackId): number {
  const slot = store.slotOf(id);
  if (slot < 0) throw usageError(`track ${id} is not in the library`);
  return slot;
}

/** A playlist cannot be longer than the tracks available to it. */
export function checkLength(length: number, available: number): void {
  if (!Number.isInteger(length) || length < 1) throw usageError(`playlist length must be a positive integer, got ${length}`);
  if (length > available) throw usageError(`playlist length ${length} exceeds the ${available} tracks available`);
}

/** Cosine of `vector` against every track vector (slot order), into a new array. */
export function similarities(store: SegmentStore, vector: Float32Array): Float32Array {
  const out = new Float32Array(store.trackCount);
  dotBlock(vector, 1, store.trackVectors(), 0, store.trackCount, store.dim, out);
  return out;
}

/** The track vector of a slot, as a view. */
export function vectorAt(store: SegmentStore, slot: number): Float32Array {
  return store.trackVectors().subarray(slot * store.dim, (slot + 1) * store.dim);
}
