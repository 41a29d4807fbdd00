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
 * converge: one Cholesky and one triangular inverse per graph component, each in a banded
 * (reverse Cuthill–McKee) order whose band the factor keeps, so the work is n·band² rather than
 * n³/3; the neighbour lists come from neighbours.ts (O(n·k) memory).
 *
 * The rows are n-dimensional (n = tracks) and the work at worst cubic, so this is for libraries up to
 * DIFFUSION_MAX_TRACKS; the profile falls back to neighbour augmentation (rerank.ts) above it.
 * No labels: the graph is the library's own.
 */
import { nearestNeighbours, type NeighbourLists } from './neighbours';

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
 * are n-dimensional (at 3,000 tracks 9 M floats, 34 MB) and the factorisation of a library's
 * graph (mostly one component) still ≈ cubic: 3,000 tracks 6.3 CPU-s with the neighbour lists,
 * below what 2,000 cost before this line moved (13.6), 4,000 ≈ 24 (docs/similarity.md, "At
 * library scale"); DBA is O(n·k·d) from the lists and keeps the profile's ≈ 700 dimensions.
 */
export const DIFFUSION_MAX_TRACKS = 3000;

/** A graph as adjacency lists: per track, its linked tracks (ascending) and the edge weights. */
export interface Graph {
  n: number;
  links: Int32Array[];
  weights: Float64Array[];
}

/**
 * The mutual kNN graph plus each row's nearest-neighbour edge, as adjacency lists (edges of
 * weight 0 — cosine ≤ 0 — left out). Lists from nearestNeighbours: O(n·k) memory.
 */
export function graphEdges(rows: Float32Array, dim: number, options: Pick<DiffusionOptions, 'k' | 'power'>, lists?: NeighbourLists): Graph {
  const n = dim > 0 ? rows.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (!(options.k >= 1) || !Number.isInteger(options.k)) throw new RangeError(`k must be an integer ≥ 1, got ${options.k}`);
  const k = Math.min(options.k, n - 1);
  const nn = lists ?? nearestNeighbours(rows, dim, Math.max(k, 0));
  const listed = (i: number, j: number): boolean => {
    for (let r = 0; r < k; r++) if (nn.ids[i * nn.k + r] === j) return true;
    return false;
  };
  const edges = Array.from({ length: n }, () => new Map<number, number>());
  const link = (i: number, r: number): void => {
    const j = nn.ids[i * nn.k + r];
    const v = Math.max(nn.sims[i * nn.k + r], 0) ** options.power;
    if (!(v > 0)) return;
    edges[i].set(j, v);
    edges[j].set(i, v);
  };
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) if (nn.ids[i * nn.k + r] >= 0 && listed(nn.ids[i * nn.k + r], i)) link(i, r);
    if (k > 0 && nn.ids[i * nn.k] >= 0) link(i, 0);
  }
  const links = edges.map((e) => Int32Array.from([...e.keys()].sort((x, y) => x - y)));
  return { n, links, weights: links.map((l, i) => Float64Array.from(l, (j) => edges[i].get(j) as number)) };
}

/**
 * The symmetric weight matrix (row-major n × n, zero diagonal) of the mutual kNN graph plus each
 * row's nearest-neighbour edge (graphEdges written out dense, for tests and small libraries).
 */
export function neighbourGraph(rows: Float32Array, dim: number, options: Pick<DiffusionOptions, 'k' | 'power'>): Float64Array {
  const g = graphEdges(rows, dim, options);
  const w = new Float64Array(g.n * g.n);
  g.links.forEach((l, i) => l.forEach((j, e) => (w[i * g.n + j] = g.weights[i][e])));
  return w;
}

/**
 * The graph's connected components, each in reverse Cuthill–McKee order (breadth first from a
 * least-linked track, neighbours by rising degree, reversed): linked tracks get nearby
 * positions, so I − αS is banded and its Cholesky factor stays inside that band (no fill
 * outside a row's first link). F is block-diagonal over components, so each is factorised alone.
 */
export function componentOrders(g: Graph): Int32Array[] {
  const seen = new Uint8Array(g.n);
  const degree = (i: number): number => g.links[i].length;
  const out: Int32Array[] = [];
  for (let s = 0; s < g.n; s++) {
    if (seen[s]) continue;
    // The component, to pick its least-linked track as the start.
    const members = [s];
    seen[s] = 1;
    for (let h = 0; h < members.length; h++) {
      for (const j of g.links[members[h]]) {
        if (seen[j]) continue;
        seen[j] = 1;
        members.push(j);
      }
    }
    let start = s;
    for (const i of members) if (degree(i) < degree(start) || (degree(i) === degree(start) && i < start)) start = i;
    for (const i of members) seen[i] = 2;
    const order = [start];
    seen[start] = 3;
    for (let h = 0; h < order.length; h++) {
      const next = [...g.links[order[h]]].filter((j) => seen[j] !== 3).sort((a, b) => degree(a) - degree(b) || a - b);
      for (const j of next) {
        seen[j] = 3;
        order.push(j);
      }
    }
    out.push(Int32Array.from(order.reverse()));
  }
  return out;
}

/** Per row of a row-major n × n matrix, the column of its first nonzero left of the diagonal (the diagonal's when none). */
function firstNonzero(a: Float64Array, n: number): Int32Array {
  const first = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    while (f < i && a[i * n + f] === 0) f++;
    first[i] = f;
  }
  return first;
}

/**
 * In place: the lower-triangular Cholesky factor L of a symmetric positive definite row-major
 * n × n matrix (upper triangle zeroed). Throws on a matrix that is not positive definite.
 * Row by row: L has no nonzero left of its row's first nonzero in the matrix, so each sum runs
 * from the later of the two rows' first nonzeros (the skipped terms are exact zeros: a banded
 * matrix costs n·band² instead of n³/3, with the same result).
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  const first = firstNonzero(a, n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = first[i]; j < i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let p = Math.max(first[i], first[j]); p < j; p++) s -= a[ri + p] * a[rj + p];
      a[ri + j] = s / a[rj + j];
    }
    let d = a[ri + i];
    for (let p = first[i]; p < i; p++) d -= a[ri + p] ** 2;
    if (!(d > 0)) throw new RangeError(`matrix is not positive definite (pivot ${i}: ${d})`);
    a[ri + i] = Math.sqrt(d);
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
}

/**
 * For each i, column i of L⁻¹ (= row i of E = L⁻ᵀ, so E·Eᵀ = (L·Lᵀ)⁻¹) from a lower-triangular
 * L, row-major n × n, by forward substitution on the unit vector e_i; handed to `use` in one
 * reused buffer, zero before position i. Terms left of a row's first nonzero are skipped.
 */
function eachInverseRow(l: Float64Array, n: number, use: (i: number, x: Float64Array) => void): void {
  const first = firstNonzero(l, n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0) x[i - 1] = 0;
    x[i] = 1 / l[i * n + i];
    for (let r = i + 1; r < n; r++) {
      let s = 0;
      const lr = r * n;
      for (let p = Math.max(i, first[r]); p < r; p++) s -= l[lr + p] * x[p];
      x[r] = s / l[lr + r];
    }
    use(i, x);
  }
}

/** Rows e_i of E = L⁻ᵀ (so E·Eᵀ = (L·Lᵀ)⁻¹) from a lower-triangular L, row-major n × n. */
export function inverseTransposeRows(l: Float64Array, n: number): Float64Array {
  const e = new Float64Array(n * n);
  eachInverseRow(l, n, (i, x) => e.set(x.subarray(i), i * n + i));
  return e;
}

/**
 * The normalised-diffusion space of unit rows (n × dim, compared by cosine): returns n unit rows
 * of n dimensions whose dot products are F_ij / √(F_ii·F_jj). The input is not modified.
 * `lists`: neighbour lists already found (at least k per row), else nearestNeighbours is run.
 * Each graph component is factorised alone in its banded order (componentOrders): F is zero
 * between components, so the rows are the same up to a rotation within each component and
 * their dot products the same up to float rounding. `onRow`: told how many rows are made, after each
 * (the factorisation is most of the time once the lists are known).
 */
export function diffusionEmbedding(
  rows: Float32Array,
  dim: number,
  options: DiffusionOptions = DEFAULT_DIFFUSION,
  lists?: NeighbourLists,
  onRow?: (done: number) => void,
): { data: Float32Array; dim: number } {
  if (!(options.alpha > 0 && options.alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${options.alpha}`);
  const n = dim > 0 ? rows.length / dim : 0;
  if (n === 0) return { data: new Float32Array(0), dim: 0 };
  const g = graphEdges(rows, dim, options, lists);
  // A track whose every edge weighs 0 (all its cosines ≤ 0) has no link: its own component.
  const scale = Float64Array.from(g.weights, (w) => {
    let d = 0;
    for (const v of w) d += v;
    return d > 0 ? 1 / Math.sqrt(d) : 0;
  });
  const data = new Float32Array(n * n);
  const pos = new Int32Array(n);
  let made = 0;
  for (const order of componentOrders(g)) {
    const c = order.length;
    order.forEach((i, a) => (pos[i] = a));
    // M = I − α·D^-½ W D^-½ of this component, in its banded order, factorised in place.
    const m = new Float64Array(c * c);
    order.forEach((i, a) => {
      m[a * c + a] = 1;
      g.links[i].forEach((j, e) => (m[a * c + pos[j]] = -options.alpha * scale[i] * g.weights[i][e] * scale[j]));
    });
    choleskyInPlace(m, c);
    eachInverseRow(m, c, (a, x) => {
      let s = 0;
      for (let b = a; b < c; b++) s += x[b] ** 2;
      const inv = 1 / Math.sqrt(s);
      const row = order[a] * n;
      for (let b = a; b < c; b++) data[row + order[b]] = x[b] * inv;
      onRow?.(++made);
    });
  }
  return { data, dim: n };
}
