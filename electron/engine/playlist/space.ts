/**
 * What the playlist builders read: one unit vector per track (by slot), the track ids and their
 * energies. A model version's SegmentStore is one such space (the cross-modal mood space alone);
 * CombinedSpace (combined-space.ts) is another, whose vectors carry the weighted sum of several
 * spaces' cosines and which can say, per entry, how much each space contributed.
 */
import type { TrackId } from '../search/types';

/** One space's part in a combined score: its cosine and its weight (score = Σ weight · cosine). */
export interface SpaceWhy {
  space: string;
  cosine: number;
  weight: number;
}

export interface PlaylistSpace {
  readonly trackCount: number;
  readonly dim: number;
  /** Unit rows, slot order (trackCount × dim). */
  trackVectors(): Float32Array;
  idAt(slot: number): TrackId;
  /** Slot of a track, or -1. */
  slotOf(id: TrackId): number;
  infoAt(slot: number): { summary: { energy: number } };
  /**
   * Bring a derived reference (a seeds' centroid, a point on a mood path) back onto the space, in
   * place. Absent: the builders normalise it (every row of a single space is a unit vector).
   */
  project?(v: Float32Array): Float32Array;
  /** Each space's cosine and weight of a slot against a projected reference (combined spaces only). */
  explain?(reference: Float32Array, slot: number): SpaceWhy[];
}
