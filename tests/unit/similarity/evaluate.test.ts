import { describe, expect, it } from 'vitest';
import { albumScores, chanceScores } from '../../../electron/engine/similarity/evaluate';
import { retrievalMetrics } from '../../../electron/engine/metric/retrieval';
import { createRng } from '../../../electron/engine/util/prng';

describe('album retrieval scores', () => {
  it('match a hand count on six tracks in two albums (1-D, Euclidean)', () => {
    // Album A at 0, 1.5, 5; album B at 2.2, 8, 9. Rankings by distance, R = 2 positives each:
    // 0   → 1.5+ 2.2− …   AP 1/2 · 1 = 0.5,   R-prec 1/2, P@1 1
    // 1.5 → 2.2− 0+ …     AP 1/2 · 1/2 = 0.25, R-prec 1/2, P@1 0
    // 5   → 2.2− 8− …     AP 0,    R-prec 0,   P@1 0
    // 2.2 → 1.5− 0− …     AP 0,    R-prec 0,   P@1 0
    // 8   → 9+ 5− …       AP 0.5,  R-prec 1/2, P@1 1
    // 9   → 8+ 5− …       AP 0.5,  R-prec 1/2, P@1 1
    const s = albumScores(Float32Array.from([0, 1.5, 5, 2.2, 8, 9]), 1, Int32Array.from([0, 0, 0, 1, 1, 1]), 'euclidean');
    expect(s.mapAtR).toBeCloseTo(1.75 / 6, 6);
    expect(s.rPrecision).toBeCloseTo(2 / 6, 6);
    expect(s.precisionAt1).toBeCloseTo(3 / 6, 6);
  });

  it('chance is what random rankings score on average', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3]);
    const exact = chanceScores(labels);
    const rng = createRng(5);
    const n = labels.length;
    const draws = 3000;
    const sum = { mapAtR: 0, rPrecision: 0, precisionAt1: 0 };
    for (let d = 0; d < draws; d++) {
      const sim = Float64Array.from({ length: n * n }, () => rng.next());
      const r = retrievalMetrics(sim, labels, labels, { excludeSelf: true });
      sum.mapAtR += r.mapAtR;
      sum.rPrecision += r.rPrecision;
      sum.precisionAt1 += r.precisionAt1;
    }
    // Standard errors over 3000 draws are below 0.003.
    expect(exact.mapAtR).toBeCloseTo(sum.mapAtR / draws, 2);
    expect(exact.rPrecision).toBeCloseTo(sum.rPrecision / draws, 2);
    expect(exact.precisionAt1).toBeCloseTo(sum.precisionAt1 / draws, 2);
    // And by hand for P@1: Σ R/(n−1) over queries / n = (5·4 + 3·2 + 6·5 + 2·1) / (16 · 15).
    expect(exact.precisionAt1).toBeCloseTo((5 * 4 + 3 * 2 + 6 * 5 + 2 * 1) / (16 * 15), 10);
  });
});
