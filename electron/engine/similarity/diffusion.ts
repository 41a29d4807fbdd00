/**
 * Normalised diffusion on the library's own neighbour graph, as one unit vector per track.
 *
 * Graph: each track is linked to the tracks it is a mutual k-nearest neighbour with (cosine of
 * the profile rows), and always to its single nearest one, so no track is left without an edge
 * (an isolated track's diffusion row carries nothing: it would rank every other track at 0);
 * edge weight max(cos, 0)^power. S = D^-½ W D^-½ (symmetric normalised adjacency).
 *
 * Diffusion: F = (I − αS)⁻¹ = Σ_t αᵗSᵗ, the affinity of two tracks through every walk between
 * them. The served similarity is F_ij / √(F_ii·F_jj): the hub-free ("normalised") form. F is
 * symmetric positive definite (S's eigenvalues lie in [−1, 1] and α < 1), so F = E·Eᵀ for
 * E = L⁻ᵀ with (I − αS) = L·Lᵀ (Cholesky); the rows of E, normalised, have exactly that cosine.
 * That is the same space as the rows of F^½ over the eigenvectors of S (docs/similarity.md's
 * lever 0), at a third of the cost of a symmetric eigendecomposition and with no iteration to
 * converge: one Cholesky (n³/3) and one triangular inverse (n³/3).
 *
 * The rows are n-dimensional (n = tracks) and the work is cubic, so this is for libraries up to
 * DIFFUSION_MAX_TRACKS; the profile falls back to neighbour augmentation (rerank.ts) above it.
 * No labels: the graph is the library's own.
 */
import { dotBlock } from '../search/kernels';

export interface DiffusionOptions {
  /** Neighbours per track in the kNN lists whose mutual pairs become edges. */
  k: number;
  /** Walk continuation 0 < α < 1: higher lets affinity travel further along the graph. */
  alpha: number;
  /** Exponent on an edge's cosine (negative cosines weigh 0): higher trusts close pairs more. */
  power: number;
}

/**
 * Chosen on the train half of the album set only (colobot, hyperrogue, planetblupi, wesnoth;
 * k 5–7, α 0.8–0.99, power 1–6, mutual with and without the nearest-neighbour edge):
 * docs/similarity.md.
 */
export const DEFAULT_DIFFUSION: DiffusionOptions = { k: 5, alpha: 0.9, power: 6 };

/**
 * Above this many tracks the profile is re-ranked by neighbour augmentation instead: the rows
 * are n-dimensional (at 2,000 tracks 4 M floats, 16 MB) and the factorisation is cubic (measured
 * in docs/similarity.md); DBA is O(n²·d) and keeps the profile's ≈ 700 dimensions.
 */
export const DIFFUSION_MAX_TRACKS = 2000;

/** Row-major n × n cosine matrix of unit rows (the search's blocked dot kernel). */
function cosineMatrix(rows: Float32Array, dim: number, n: number): Float32Array {
  const sims = new Float32Array(n * n);
  const block = 64;
  const out = new Float32Array(block * n);
  for (let i0 = 0; i0 < n; i0 += block) {
    const m = Math.min(block, n - i0);
    dotBlock(rows.subarray(i0 * dim, (i0 + m) * dim), m, rows, 0, n, dim, out);
    // dotBlock writes out[i·n + r] = dot(query i, row r).
    sims.set(out.subarray(0, m * n), i0 * n);
  }
  return sims;
}

/** Each row's k nearest other rows, best first; ties to the lower index. */
function nearest(sims: Float32Array, n: number, k: number): Int32Array[] {
  const order = Array.from({ length: n }, (_, j) => j);
  return Array.from({ length: n }, (_, i) => {
    const s = sims.subarray(i * n, (i + 1) * n);
    const others = order.filter((j) => j !== i).sort((a, b) => s[b] - s[a] || a - b);
    return Int32Array.from(others.slice(0, k));
  });
}

/**
 * The symmetric weight matrix (row-major n × n, zero diagonal) of the mutual kNN graph plus each
 * row's nearest-neighbour edge.
 */
export function neighbourGraph(rows: Float32Array, dim: number, options: Pick<DiffusionOptions, 'k' | 'power'>): Float64Array {
  const n = dim > 0 ? rows.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (!(options.k >= 1) || !Number.isInteger(options.k)) throw new RangeError(`k must be an integer ≥ 1, got ${options.k}`);
  const sims = cosineMatrix(rows, dim, n);
  const lists = nearest(sims, n, Math.min(options.k, n - 1));
  const inList = lists.map((l) => new Set(l));
  const w = new Float64Array(n * n);
  const link = (i: number, j: number): void => {
    const v = Math.max(sims[i * n + j], 0) ** options.power;
    w[i * n + j] = v;
    w[j * n + i] = v;
  };
  for (let i = 0; i < n; i++) {
    for (const j of lists[i]) if (inList[j].has(i)) link(i, j);
    if (lists[i].length > 0) link(i, lists[i][0]);
  }
  return w;
}

/**
 * In place: the lower-triangular Cholesky factor L of a symmetric positive definite row-major
 * n × n matrix (upper triangle zeroed). Throws on a matrix that is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let p = 0; p < j; p++) d -= a[j * n + p] ** 2;
    if (!(d > 0)) throw new RangeError(`matrix is not positive definite (pivot ${j}: ${d})`);
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      const ri = i * n;
      const rj = j * n;
      for (let p = 0; p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / ljj;
    }
    for (let i = j + 1; i < n; i++) a[j * n + i] = 0;
  }
}

/**
 * Rows e_i of E = L⁻ᵀ (so E·Eᵀ = (L·Lᵀ)⁻¹) from a lower-triangular L, row-major n × n. Row i of
 * L⁻ᵀ is column i of L⁻¹, found by forward substitution on the unit vector e_i; it is zero
 * before position i.
 */
export function inverseTransposeRows(l: Float64Array, n: number): Float64Array {
  const e = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const x = e.subarray(i * n, (i + 1) * n);
    x[i] = 1 / l[i * n + i];
    for (let r = i + 1; r < n; r++) {
      let s = 0;
      const lr = r * n;
      for (let p = i; p < r; p++) s -= l[lr + p] * x[p];
      x[r] = s / l[lr + r];
    }
  }
  return e;
}

/**
 * The normalised-diffusion space of unit rows (n × dim, compared by cosine): returns n unit rows
 * of n dimensions whose dot products are F_ij / √(F_ii·F_jj). The input is not modified.
 */
export function diffusionEmbedding(rows: Float32Array, dim: number, options: DiffusionOptions = DEFAULT_DIFFUSION): { data: Float32Array; dim: number } {
  if (!(options.alpha > 0 && options.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${options.alpha}`);
  const n = dim > 0 ? rows.length / dim : 0;
  if (n === 0) return { data: new Float32Array(0), dim: 0 };
  const w = n > 1 ? neighbourGraph(rows, dim, options) : new Float64Array(1);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) d += w[i * n + j];
    // A track whose every edge weighs 0 (all its cosines ≤ 0) keeps a zero row in S.
    scale[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  // M = I − α·D^-½ W D^-½, factorised in place.
  const m = w;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (i === j ? 1 : 0) - options.alpha * scale[i] * w[i * n + j] * scale[j];
  choleskyInPlace(m, n);
  const e = inverseTransposeRows(m, n);
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i; j < n; j++) s += e[i * n + j] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let j = i; j < n; j++) data[i * n + j] = e[i * n + j] * inv;
  }
  return { data, dim: n };
}
