import { NeedledropError, usageError } from '../errors';
import { dotBlock } from '../search/kernels';
import { normalizeInPlace } from '../search/segment-store';
import type { TrackId } from '../search/types';
import type { PlaylistSpace, SpaceWhy } from './space';

/** One playlist entry; what `score` means is stated by the function that made it. */
export interface PlaylistEntry {
  trackId: TrackId;
  score: number;
  /** Combined spaces: each space's cosine and weight against the entry's reference (score = Σ weight · cosine). */
  why?: SpaceWhy[];
}

/** The slot of a track the user named, or a usage error naming it. */
export function slotOrThrow(store: PlaylistSpace, id: TrackId): number {
  const slot = store.slotOf(id);
  if (slot < 0) throw usageError(`track ${id} is not in the library`);
  return slot;
}

/**
 * A playlist cannot be longer than the tracks available to it: refused, or with `atMost` (the app's
 * Length and the CLI's --length, a most the library may not fill) cut to them. Returns the length to
 * build. The refusal is the library's state, not a malformed request (review R1.5: the CLI exited 2
 * with its usage line for a well-formed command): an input error.
 */
export function checkLength(length: number, available: number, atMost = false): number {
  if (!Number.isInteger(length) || length < 1) throw usageError(`playlist length must be a positive integer, got ${length}`);
  if (length <= available) return length;
  if (atMost && available >= 1) return available;
  throw new NeedledropError('input', `playlist length ${length} exceeds the ${available} tracks available`);
}

/** Cosine of `vector` against every track vector (slot order), into a new array. */
export function similarities(store: PlaylistSpace, vector: Float32Array): Float32Array {
  const out = new Float32Array(store.trackCount);
  dotBlock(vector, 1, store.trackVectors(), 0, store.trackCount, store.dim, out);
  return out;
}

/** The track vector of a slot, as a view. */
export function vectorAt(store: PlaylistSpace, slot: number): Float32Array {
  return store.trackVectors().subarray(slot * store.dim, (slot + 1) * store.dim);
}

/** A derived reference (centroid, path point) back on the space: the space's own projection, else unit length. */
export function projected(store: PlaylistSpace, v: Float32Array): Float32Array {
  return store.project ? store.project(v) : normalizeInPlace(v);
}

/** The why of a slot against a reference, when the space can give one (combined spaces). */
export function whyOf(store: PlaylistSpace, reference: Float32Array, slot: number): { why?: SpaceWhy[] } {
  return store.explain ? { why: store.explain(reference, slot) } : {};
}
