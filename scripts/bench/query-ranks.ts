/**
 * Per-query ranks for round 4 of docs/eval-losses.md: each query's rank of its own partner within
 * its gallery (1 = first), and the endpoints computed from them. Kept per query so that an
 * endpoint can be recomputed, and two losses compared query by query, without training again.
 */
import { rankReferences, similarityMatrix } from '../../electron/engine/metric/retrieval';

export interface GalleryRanks {
  /** Video query i: rank of music i among the gallery's music. */
  videoToMusic: number[];
  /** Music query i: rank of video i among the gallery's videos. */
  musicToVideo: number[];
}

/**
 * Ranks within one gallery of n pairs (row-major n × dim embeddings, pair i = row i of each), by
 * cosine similarity, ties by index: the same ranking as the engine's retrieval metrics.
 */
export function galleryRanks(video: Float32Array, music: Float32Array, dim: number): GalleryRanks {
  const n = video.length / dim;
  if (!Number.isInteger(n) || music.length !== video.length) throw new Error(`galleryRanks: ${video.length} video and ${music.length} music values for dim ${dim}`);
  const rankOf = (sim: Float64Array, i: number): number => rankReferences(sim, i * n, n).indexOf(i) + 1;
  const v2m = similarityMatrix(video, music, dim);
  const m2v = similarityMatrix(music, video, dim);
  return { videoToMusic: Array.from({ length: n }, (_, i) => rankOf(v2m, i)), musicToVideo: Array.from({ length: n }, (_, i) => rankOf(m2v, i)) };
}

/** Split n items into consecutive galleries of `size`; a remainder smaller than `size` joins the last one. */
export function galleryBounds(n: number, size: number): Array<[number, number]> {
  if (!Number.isInteger(size) || size < 2) throw new Error(`gallery size must be a whole number ≥ 2, got ${size}`);
  const count = Math.max(1, Math.floor(n / size));
  return Array.from({ length: count }, (_, g): [number, number] => [g * size, g === count - 1 ? n : (g + 1) * size]);
}

/** Fraction of queries whose partner is in the top k. */
export function recallAt(ranks: readonly number[], k: number): number {
  if (ranks.length === 0) throw new Error('recallAt: no queries');
  return ranks.filter((r) => r <= k).length / ranks.length;
}

/** Mean over queries of 1 / rank. */
export function meanReciprocalRank(ranks: readonly number[]): number {
  if (ranks.length === 0) throw new Error('meanReciprocalRank: no queries');
  return ranks.reduce((a, r) => a + 1 / r, 0) / ranks.length;
}
