import { describe, expect, it } from 'vitest';
import { rankReferences, retrievalFromEmbeddings, retrievalMetrics } from '../../../electron/engine/metric/retrieval';

describe('retrieval metrics on hand-made rankings', () => {
  // Query 0 (label A): scores rank the refs 3(B) 0(A) 1(B) 4(A) 2(A) → relevance 0 1 0 1 1, R = 3.
  // Query 1 (label B): refs 1 and 2 tie at 0.7 and the lower index wins: 4(A) 1(B) 2(A) 0(A) 3(B) → 0 1 0 0 1, R = 2.
  const A = 0;
  const B = 1;
  const sim = [0.9, 0.8, 0.1, 0.95, 0.5, 0.3, 0.7, 0.7, 0.2, 0.9];
  const report = retrievalMetrics(sim, [A, B], [A, B, A, B, A], { ks: [1, 2], ndcgK: 3 });

  it('ranks with deterministic tie-breaking by reference index', () => {
    expect(Array.from(rankReferences(sim, 5, 5))).toEqual([4, 1, 2, 0, 3]);
  });

  it('Recall@K, median and mean rank, precision@1', () => {
    expect(report.queries).toBe(2);
    expect(report.recallAtK[1]).toBe(0);
    expect(report.recallAtK[2]).toBe(1);
    expect(report.medianRank).toBe(2);
    expect(report.meanRank).toBe(2);
    expect(report.precisionAt1).toBe(0);
  });

  it('MAP@R and R-precision with several positives', () => {
    // q0: top 3 holds one positive, at rank 2 → AP@R = (1/2)/3; q1: top 2 holds one at rank 2 → (1/2)/2.
    expect(report.mapAtR).toBeCloseTo((1 / 6 + 1 / 4) / 2, 12);
    expect(report.rPrecision).toBeCloseTo((1 / 3 + 1 / 2) / 2, 12);
  });

  it('nDCG@K with binary relevance', () => {
    const g = (rank: number): number => 1 / Math.log2(rank + 1);
    const q0 = g(2) / (g(1) + g(2) + g(3));
    const q1 = g(2) / (g(1) + g(2));
    expect(report.ndcgAtK).toBeCloseTo((q0 + q1) / 2, 12);
  });

  it('MAP@R rewards positives ranked early: relevance 1 0 1 1 gives (1/1 + 2/3)/3', () => {
    const r = retrievalMetrics([0.9, 0.8, 0.7, 0.6, 0.5], [A], [A, B, A, A, B]);
    expect(r.mapAtR).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(r.rPrecision).toBeCloseTo(2 / 3, 12);
    expect(r.precisionAt1).toBe(1);
    expect(r.medianRank).toBe(1);
  });

  it('can leave each query out of its own references; queries without positives are skipped', () => {
    const self = [1, 0.5, 0.6, 0.5, 1, 0.2, 0.6, 0.2, 1];
    const withSelf = retrievalMetrics(self, [0, 0, 1], [0, 0, 1]);
    expect(withSelf.recallAtK[1]).toBe(1);
    const without = retrievalMetrics(self, [0, 0, 1], [0, 0, 1], { excludeSelf: true, ks: [1] });
    expect(without.skipped).toBe(1);
    expect(without.recallAtK[1]).toBe(0.5);
    expect(without.meanRank).toBe(1.5);
    expect(without.medianRank).toBe(1.5);
  });

  it('works from embeddings (cosine and Euclidean)', () => {
    const queries = [1, 0, 0, 1];
    const refs = [-1, 0, 0.2, 0.9, 3, 0.1];
    const cos = retrievalFromEmbeddings(queries, [0, 1], refs, [0, 1, 0], 2, { ks: [1] });
    expect(cos.recallAtK[1]).toBe(1);
    // Euclidean: ref (3, 0.1) is far from (1, 0) and ref (−1, 0) is closer → rank 2 for query 0.
    const euc = retrievalFromEmbeddings(queries, [0, 1], refs, [0, 1, 0], 2, { ks: [1], metric: 'euclidean' });
    expect(euc.recallAtK[1]).toBe(0.5);
    expect(euc.meanRank).toBe(1.5);
  });

  it('rejects a similarity matrix of the wrong size', () => {
    expect(() => retrievalMetrics([1, 2, 3], [0, 1], [0, 1])).toThrow(/similarity/);
  });
});
