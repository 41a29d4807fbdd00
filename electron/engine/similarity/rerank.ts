/**
 * Re-ranking on the library's own neighbour graph, kept as a vector space: database-side
 * augmentation (DBA). Each track's vector becomes the normalised weighted sum of itself and its
 * k nearest neighbours (weight cos^α, the track itself 1). Tracks that share neighbours — a
 * cluster such as an album — move towards their common centre, while the result is still one
 * unit row per track, so `similar`, the playlists and the map use it unchanged. No labels: the
 * graph is the library's own. Measured on the album set in docs/similarity.md.
 */

export interface NeighbourAugmentOptions {
  /** Neighbours each track is averaged with (not counting itself). */
  k: number;
  /** Exponent on a neighbour's cosine (negative cosines weigh 0): higher trusts close neighbours more. */
  alpha: number;
}

/** What the served space uses (chosen on the train half of the album set, docs/similarity.md). */
export const DEFAULT_NEIGHBOUR_AUGMENT: NeighbourAugmentOptions = { k: 5, alpha: 3 };

/**
 * DBA over row-major unit rows (n × dim): returns new unit rows, the input untouched. Ties in
 * the neighbour order go to the lower row index, so the result does not depend on sort details.
 */
export function augmentByNeighbours(rows: Float32Array, dim: number, options: NeighbourAugmentOptions = DEFAULT_NEIGHBOUR_AUGMENT): Float32Array {
  const n = dim > 0 ? rows.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (!(options.k >= 0) || !Number.isInteger(options.k)) throw new RangeError(`k must be an integer ≥ 0, got ${options.k}`);
  const k = Math.min(options.k, n - 1);
  const out = new Float32Array(rows.length);
  const sims = new Float64Array(n);
  const order = Array.from({ length: n }, (_, j) => j);
  const acc = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += rows[i * dim + d] * rows[j * dim + d];
      sims[j] = s;
    }
    sims[i] = -Infinity; // itself is added with weight 1 below, not as a neighbour
    order.sort((a, b) => sims[b] - sims[a] || a - b);
    acc.fill(0);
    for (let d = 0; d < dim; d++) acc[d] = rows[i * dim + d];
    for (let r = 0; r < k; r++) {
      const j = order[r];
      const w = Math.max(sims[j], 0) ** options.alpha;
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
