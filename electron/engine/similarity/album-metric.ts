/**
 * A metric for "same album" learnt from album labels (issue 12 §1, sixth round; docs/similarity.md):
 * within-album covariance normalisation (WCCN) of the track profile's unit rows. The pooled
 * covariance of tracks around their album's mean, C_w, says in which directions tracks of one
 * album still differ (each track's own melody, tempo, key); rows × C'^−p, with C' = (1 − s)·C_w
 * + s·μ·I shrunk toward its mean eigenvalue μ, turn those directions down, so what is left is
 * what albums share. Learnt on other albums than it is applied to: it must say what an album is
 * in general, not which albums these are.
 *
 * C_w has rank at most (tracks − albums), so it is learnt through the tracks' Gram matrix
 * (n × n, not dim × dim): T = b·I + Σ_r g_r·v_r·v_rᵀ over C_w's eigenvectors v_r with
 * eigenvalue λ_r > 0, b = (s·μ)^−p, g_r = ((1 − s)·λ_r + s·μ)^−p − b.
 */
import { symmetricEigen } from './eigen';

export interface AlbumMetricOptions {
  /** The power p of C'^−p (0.5 whitens the within-album spread fully). */
  power: number;
  /** Shrinkage s toward the mean eigenvalue, in (0, 1]. */
  shrink: number;
}

export interface AlbumMetric {
  dim: number;
  options: AlbumMetricOptions;
  /** Scale of every direction outside C_w's range: (s·μ)^−p. */
  base: number;
  /** C_w's eigenvectors with a nonzero eigenvalue, row-major r × dim. */
  directions: Float64Array;
  /** Per direction, its scale minus `base`. */
  gains: Float64Array;
}

/** Row-major n × dim rows centred on their album's mean (a row without album-mates becomes 0). */
function withinAlbum(rows: Float32Array, dim: number, labels: Int32Array): Float64Array {
  const n = labels.length;
  const sums = new Map<number, { s: Float64Array; count: number }>();
  for (let i = 0; i < n; i++) {
    let a = sums.get(labels[i]);
    if (!a) sums.set(labels[i], (a = { s: new Float64Array(dim), count: 0 }));
    a.count++;
    for (let d = 0; d < dim; d++) a.s[d] += rows[i * dim + d];
  }
  const out = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const a = sums.get(labels[i])!;
    for (let d = 0; d < dim; d++) out[i * dim + d] = rows[i * dim + d] - a.s[d] / a.count;
  }
  return out;
}

/**
 * Learn the metric from rows (row-major n × dim, as compared: unit profile rows) and their album
 * labels. Needs at least two albums of two or more tracks.
 */
export function learnAlbumMetric(rows: Float32Array, dim: number, labels: Int32Array, options: AlbumMetricOptions): AlbumMetric {
  const n = labels.length;
  if (rows.length !== n * dim) throw new RangeError(`rows hold ${rows.length} values, not ${n} × ${dim}`);
  if (!(options.shrink > 0 && options.shrink <= 1)) throw new RangeError(`shrink must be in (0, 1], got ${options.shrink}`);
  if (!(options.power > 0)) throw new RangeError(`power must be > 0, got ${options.power}`);
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  if ([...counts.values()].filter((c) => c >= 2).length < 2) throw new RangeError('an album metric needs at least two albums of two or more tracks');
  const zc = withinAlbum(rows, dim, labels);
  // Gram G = Zc·Zcᵀ / n shares C_w = Zcᵀ·Zc / n's nonzero eigenvalues; v = Zcᵀ·u / √(n·λ).
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += zc[i * dim + d] * zc[j * dim + d];
      gram[i * n + j] = gram[j * n + i] = s / n;
    }
  let trace = 0;
  for (let i = 0; i < n; i++) trace += gram[i * n + i];
  const mu = trace / dim;
  const { values, vectors } = symmetricEigen(gram, n);
  const top = Math.max(...values);
  // Eigenvalues at rounding level are C_w's null space, which the base scale covers.
  const kept = [...values.keys()].filter((r) => values[r] > top * 1e-10);
  const base = (options.shrink * mu) ** -options.power;
  const directions = new Float64Array(kept.length * dim);
  const gains = new Float64Array(kept.length);
  kept.forEach((r, k) => {
    const lambda = values[r];
    const norm = 1 / Math.sqrt(n * lambda);
    for (let i = 0; i < n; i++) {
      const u = vectors[i * n + r] * norm;
      if (u === 0) continue;
      for (let d = 0; d < dim; d++) directions[k * dim + d] += u * zc[i * dim + d];
    }
    gains[k] = ((1 - options.shrink) * lambda + options.shrink * mu) ** -options.power - base;
  });
  return { dim, options, base, directions, gains };
}

/** Rows (row-major n × dim) through the metric, each made unit again: compare by cosine. */
export function applyAlbumMetric(metric: AlbumMetric, rows: Float32Array, dim: number): { data: Float32Array; dim: number } {
  if (dim !== metric.dim) throw new RangeError(`the album metric was learnt on ${metric.dim}-d rows, these are ${dim}-d`);
  const n = rows.length / dim;
  const r = metric.gains.length;
  const out = new Float32Array(n * dim);
  const x = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) x[d] = metric.base * rows[i * dim + d];
    for (let k = 0; k < r; k++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += metric.directions[k * dim + d] * rows[i * dim + d];
      const g = metric.gains[k] * dot;
      for (let d = 0; d < dim; d++) x[d] += g * metric.directions[k * dim + d];
    }
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[d] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let d = 0; d < dim; d++) out[i * dim + d] = x[d] * inv;
  }
  return { data: out, dim };
}
