/**
 * Re-ranking on the library's own neighbour graph, kept as a vector space: database-side
 * augmentation (DBA). Each track's vector becomes the normalised weighted sum of itself and its
 * k nearest neighbours (weight cos^α, the track itself 1). Tracks that share neighbours — a
 * cluster such as an album — move towards their common centre, while the result is still one
 * unit row per track, so `similar`, the playlists and the map use it unchanged. No labels: the
 * graph is the library's own. Measured on the album set in docs/similarity.md.
 */
import { nearestNeighbours, type NeighbourLists } from './neighbours';

export interface NeighbourAugmentOptions {
  /** Neighbours each track is averaged with (not counting itself). */
  k: number;
  /** Exponent on a neighbour's cosine (negative cosines weigh 0): higher trusts close neighbours more. */
  alpha: number;
}

/** What the served space uses (chosen on the train half of the album set, docs/similarity.md). */
export const DEFAULT_NEIGHBOUR_AUGMENT: NeighbourAugmentOptions = { k: 5, alpha: 3 };

/**
 * DBA over row-major unit rows (n × dim): returns new unit rows, the input untouched. The
 * neighbours come from nearestNeighbours (exact up to its limit, HNSW above; ties to the lower
 * row index), or from `lists` when the caller already has them (at least k per row): O(n·k·dim)
 * once the lists are known, instead of the n × n dot products and a sort per row.
 */
export function augmentByNeighbours(rows: Float32Array, dim: number, options: NeighbourAugmentOptions = DEFAULT_NEIGHBOUR_AUGMENT, lists?: NeighbourLists): Float32Array {
  const n = dim > 0 ? rows.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (!(options.k >= 0) || !Number.isInteger(options.k)) throw new RangeError(`k must be an integer ≥ 0, got ${options.k}`);
  const k = Math.min(options.k, n - 1);
  if (lists && lists.k < k) throw new RangeError(`neighbour lists of ${lists.k} per row; DBA needs ${k}`);
  const nn = lists ?? nearestNeighbours(rows, dim, Math.max(k, 0));
  const out = new Float32Array(rows.length);
  const acc = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) acc[d] = rows[i * dim + d];
    for (let r = 0; r < k; r++) {
      const j = nn.ids[i * nn.k + r];
      const w = j < 0 ? 0 : Math.max(nn.sims[i * nn.k + r], 0) ** options.alpha;
      if (w === 0) continue;
      for (let d = 0; d < dim; d++) acc[d] += w * rows[j * dim + d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d] * acc[d];
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) out[i * dim + d] = norm > 0 ? acc[d] / norm : 0;
  }
  return out;
}
