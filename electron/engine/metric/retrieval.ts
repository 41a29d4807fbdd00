import { usageError } from '../errors';
import type { Labels } from './tuples';

export interface RetrievalOptions {
  /** Cut-offs for Recall@K, default [1, 5, 10]. */
  ks?: number[];
  /** Cut-off for nDCG@K, default 10. */
  ndcgK?: number;
  /** Queries and references are the same set: leave reference i out of query i's ranking. */
  excludeSelf?: boolean;
}

export interface RetrievalReport {
  /** Queries with at least one positive reference (the others are skipped). */
  queries: number;
  skipped: number;
  /** Fraction of queries with at least one positive in the top K. */
  recallAtK: Record<number, number>;
  /** References each query is ranked against (itself left out with excludeSelf). */
  gallery: number;
  /** Rank (1-based) of the first positive: median and mean over queries. */
  medianRank: number;
  meanRank: number;
  /** MAP@R (Musgrave et al. 2020): mean over queries of (1/R) Σ_{i≤R} P@i·rel(i), R = number of positives. */
  mapAtR: number;
  /** Fraction of positives among the top R. */
  rPrecision: number;
  precisionAt1: number;
  /** Binary-relevance nDCG@K. */
  ndcgAtK: number;
}

/**
 * Ranking of the references for one query: by score, highest first; equal scores by reference index, so
 * the result never depends on the sort's stability.
 */
export function rankReferences(scores: ArrayLike<number>, offset: number, count: number, skip = -1): Int32Array {
  const order: number[] = [];
  for (let j = 0; j < count; j++) if (j !== skip) order.push(j);
  order.sort((a, b) => scores[offset + b] - scores[offset + a] || a - b);
  return Int32Array.from(order);
}

/**
 * Retrieval metrics from a similarity matrix (queries × references, row-major, higher = closer).
 * A reference is a positive of a query when their labels are equal.
 */
export function retrievalMetrics(similarity: ArrayLike<number>, queryLabels: Labels, refLabels: Labels, options: RetrievalOptions = {}): RetrievalReport {
  const q = queryLabels.length;
  const r = refLabels.length;
  if (similarity.length !== q * r) throw usageError(`similarity has ${similarity.length} values for ${q}×${r}`);
  if (options.excludeSelf && q !== r) throw usageError('excludeSelf needs as many queries as references');
  const ks = options.ks ?? [1, 5, 10];
  const ndcgK = options.ndcgK ?? 10;
  const hits = new Map<number, number>(ks.map((k) => [k, 0]));
  const ranks: number[] = [];
  let mapSum = 0;
  let rPrecSum = 0;
  let ndcgSum = 0;
  for (let i = 0; i < q; i++) {
    const skip = options.excludeSelf ? i : -1;
    let positives = 0;
    for (let j = 0; j < r; j++) if (j !== skip && refLabels[j] === queryLabels[i]) positives++;
    if (positives === 0) continue;
    const order = rankReferences(similarity, i * r, r, skip);
    const rel = (rank: number): boolean => refLabels[order[rank]] === queryLabels[i];
    let first = 0;
    while (!rel(first)) first++;
    ranks.push(first + 1);
    for (const k of ks) if (first < k) hits.set(k, (hits.get(k) ?? 0) + 1);
    let found = 0;
    let ap = 0;
    for (let rank = 0; rank < positives; rank++) {
      if (!rel(rank)) continue;
      found++;
      ap += found / (rank + 1);
    }
    mapSum += ap / positives;
    rPrecSum += found / positives;
    let dcg = 0;
    let ideal = 0;
    for (let rank = 0; rank < Math.min(ndcgK, order.length); rank++) {
      if (rel(rank)) dcg += 1 / Math.log2(rank + 2);
      if (rank < positives) ideal += 1 / Math.log2(rank + 2);
    }
    ndcgSum += dcg / ideal;
  }
  const n = ranks.length;
  const mean = (x: number): number => (n > 0 ? x / n : 0);
  const recallAtK: Record<number, number> = {};
  for (const k of ks) recallAtK[k] = mean(hits.get(k) ?? 0);
  return {
    queries: n,
    skipped: q - n,
    recallAtK,
    gallery: options.excludeSelf ? r - 1 : r,
    medianRank: median(ranks),
    meanRank: mean(ranks.reduce((s, x) => s + x, 0)),
    mapAtR: mean(mapSum),
    rPrecision: mean(rPrecSum),
    precisionAt1: mean(ranks.filter((x) => x === 1).length),
    ndcgAtK: mean(ndcgSum),
  };
}

export type SimilarityMetric = 'cosine' | 'dot' | 'euclidean';

/**
 * Query × reference similarity (float64, row-major) from row-major embeddings of dimension `dim`;
 * Euclidean distances are negated so higher is always closer.
 */
export function similarityMatrix(queries: ArrayLike<number>, refs: ArrayLike<number>, dim: number, metric: SimilarityMetric = 'cosine'): Float64Array {
  const q = queries.length / dim;
  const r = refs.length / dim;
  if (!Number.isInteger(q) || !Number.isInteger(r)) throw usageError(`embedding arrays are not multiples of dim ${dim}`);
  const norm = (x: ArrayLike<number>, i: number): number => {
    let s = 0;
    for (let d = 0; d < dim; d++) s += x[i * dim + d] ** 2;
    return Math.sqrt(s) || 1;
  };
  const refNorms = Float64Array.from({ length: r }, (_, j) => (metric === 'cosine' ? norm(refs, j) : 1));
  const out = new Float64Array(q * r);
  for (let i = 0; i < q; i++) {
    const ni = metric === 'cosine' ? norm(queries, i) : 1;
    for (let j = 0; j < r; j++) {
      let v = 0;
      for (let d = 0; d < dim; d++) {
        const a = queries[i * dim + d];
        const b = refs[j * dim + d];
        v += metric === 'euclidean' ? (a - b) ** 2 : a * b;
      }
      out[i * r + j] = metric === 'euclidean' ? -Math.sqrt(v) : metric === 'cosine' ? v / (ni * refNorms[j]) : v;
    }
  }
  return out;
}

/** Retrieval metrics straight from embeddings. */
export function retrievalFromEmbeddings(
  queries: ArrayLike<number>,
  queryLabels: Labels,
  refs: ArrayLike<number>,
  refLabels: Labels,
  dim: number,
  options: RetrievalOptions & { metric?: SimilarityMetric } = {},
): RetrievalReport {
  return retrievalMetrics(similarityMatrix(queries, refs, dim, options.metric), queryLabels, refLabels, options);
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
