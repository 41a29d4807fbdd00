import { dotBlock, topK } from './kernels';
import { meanRow, type SegmentStore } from './segment-store';

/** Normalised mean of a clip's m segment rows: the clip's counterpart of a track vector. */
export function clipVector(clip: Float32Array, m: number, d: number): Float32Array {
  return meanRow(clip, m, d, new Float32Array(d));
}

/**
 * Track-level prefilter: cosine of the clip's mean vector against every track vector, best
 * `count` slots first. One pass over trackCount × d floats, so ~1 ms even at 1M segments.
 */
export function prefilterSlots(
  store: SegmentStore,
  clipMean: Float32Array,
  count: number,
  skip?: (slot: number) => boolean,
): number[] {
  const scores = new Float32Array(store.trackCount);
  dotBlock(clipMean, 1, store.trackVectors(), 0, store.trackCount, store.dim, scores);
  return topK(scores, count, skip);
}
