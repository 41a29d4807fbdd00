/**
 * The library's k-nearest-neighbour lists (cosine of unit rows): what both re-rankings of the
 * profile stand on (DBA in rerank.ts, the diffusion graph in diffusion.ts). O(n·k) memory, never
 * the n × n matrix.
 *
 * Up to EXACT_NEIGHBOURS_MAX_TRACKS the lists are exact: usearch's native brute-force search
 * (SIMD, one thread) proposes k + NEAR_TIE_MARGIN candidates per row, and each candidate is scored
 * again with the search's own dot product (search/kernels.ts, f64 sum rounded to f32: the values
 * the dense cosine matrix held), so lists, similarities and tie order (higher cosine, then lower
 * index) are those of a full sort of the dense matrix. Above it an HNSW graph (usearch) gives
 * approximate lists: recall against exact in scripts/bench/diffusion.ts and docs/similarity.md.
 */
import usearch from 'usearch';
import { dotRows } from '../search/kernels';

const { Index, MetricKind, ScalarKind, BatchMatches, exactSearch } = usearch;
type Found = InstanceType<typeof usearch.Matches> | InstanceType<typeof BatchMatches>;

/** Row-major n × k lists, best first; rows with fewer than k others are padded with id −1. */
export interface NeighbourLists {
  n: number;
  k: number;
  ids: Int32Array;
  /** Cosine of row i and ids[i·k + r], as f32 (−Infinity on padding). */
  sims: Float32Array;
  /** 'exact', or 'hnsw' when the lists are approximate. */
  method: 'exact' | 'hnsw';
}

/**
 * Largest library whose lists are exact. Brute force is O(n²·d): 700-d rows, 2,000 tracks 0.6
 * CPU-s, 10,000 14.6, 50,000 ≈ 365 by n² (scripts/bench/diffusion.ts). HNSW at 50,000 took 216
 * CPU-s on one thread and found only 43 % of the exact neighbours of the bench's overlapping
 * clusters, so exact lists are worth their cost up to the libraries issue #17 names.
 */
export const EXACT_NEIGHBOURS_MAX_TRACKS = 50_000;

/** Extra candidates fetched so that the native sum's different rounding cannot push a true neighbour out. */
const NEAR_TIE_MARGIN = 4;

/** Query rows per native search call (memory: QUERY_BLOCK × n distances). */
const QUERY_BLOCK = 512;

/** `a` ranks before `b` for the same row: higher cosine, then lower index. */
const before = (sa: number, ia: number, sb: number, ib: number): boolean => sa > sb || (sa === sb && ia < ib);

/**
 * Each row's `k` nearest other rows of `rows` (unit rows, n × dim). `method` 'auto' is exact up to
 * EXACT_NEIGHBOURS_MAX_TRACKS and HNSW above; `threads` is usearch's thread count (1 by default:
 * the engine shares the machine with the user's other work). `onRows`: told after each block of
 * query rows how many rows have their lists (the search is most of a re-ranking's time: review R7.3).
 */
export function nearestNeighbours(
  rows: Float32Array,
  dim: number,
  k: number,
  options: { method?: 'auto' | 'exact' | 'hnsw'; threads?: number; onRows?: (done: number, n: number) => void } = {},
): NeighbourLists {
  const n = dim > 0 ? rows.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (!(k >= 0) || !Number.isInteger(k)) throw new RangeError(`k must be an integer ≥ 0, got ${k}`);
  const method = options.method === undefined || options.method === 'auto' ? (n <= EXACT_NEIGHBOURS_MAX_TRACKS ? 'exact' : 'hnsw') : options.method;
  const ids = new Int32Array(n * k).fill(-1);
  const sims = new Float32Array(n * k).fill(-Infinity);
  const lists: NeighbourLists = { n, k, ids, sims, method };
  const fetch = Math.min(k + NEAR_TIE_MARGIN + 1, n);
  if (k === 0 || n < 2) return lists;
  const threads = options.threads ?? 1;
  const index = method === 'hnsw' ? new Index({ dimensions: dim, metric: MetricKind.IP, quantization: ScalarKind.F32, connectivity: 16, expansion_add: 128, expansion_search: 64, multi: false }) : null;
  index?.add(BigUint64Array.from({ length: n }, (_, i) => BigInt(i)), rows, threads);
  // Queries in blocks: the native brute force holds a block × n distance matrix (all n at once: 1.6 GB at 10,000 tracks).
  for (let q0 = 0; q0 < n; q0 += QUERY_BLOCK) {
    // A copy, not a view: usearch's native search reads a view's buffer from its start (its byteOffset ignored).
    const queries = rows.slice(q0 * dim, Math.min(n, q0 + QUERY_BLOCK) * dim);
    const found: Found = index ? index.search(queries, fetch, threads) : exactSearch(rows, queries, dim, fetch, MetricKind.IP, threads);
    for (let i = q0; i < Math.min(n, q0 + QUERY_BLOCK); i++) {
      const hits = found instanceof BatchMatches ? found.get(i - q0) : found;
      for (let h = 0; h < hits.keys.length; h++) {
        const j = Number(hits.keys[h]);
        if (j !== i) offer(lists, i * k, j, Math.fround(dotRows(rows, i, rows, j, dim)));
      }
    }
    options.onRows?.(Math.min(n, q0 + QUERY_BLOCK), n);
  }
  return lists;
}

/** Insert candidate j with cosine s into a row's sorted list if it beats the list's last entry. */
function offer(lists: NeighbourLists, base: number, j: number, s: number): void {
  const { ids, sims, k } = lists;
  let at = base + k - 1;
  if (ids[at] >= 0 && !before(s, j, sims[at], ids[at])) return;
  // Shift weaker entries down until j's place is found.
  while (at > base && (ids[at - 1] < 0 || before(s, j, sims[at - 1], ids[at - 1]))) {
    ids[at] = ids[at - 1];
    sims[at] = sims[at - 1];
    at--;
  }
  ids[at] = j;
  sims[at] = s;
}

/** Share of each row's exact k neighbours that `approx` also lists (recall@k). */
export function neighbourRecall(approx: NeighbourLists, exact: NeighbourLists): number {
  let hit = 0;
  let total = 0;
  for (let i = 0; i < exact.n; i++) {
    const mine = new Set(approx.ids.subarray(i * approx.k, (i + 1) * approx.k));
    for (let r = 0; r < exact.k; r++) {
      const j = exact.ids[i * exact.k + r];
      if (j < 0) continue;
      total++;
      if (mine.has(j)) hit++;
    }
  }
  return total > 0 ? hit / total : 1;
}
