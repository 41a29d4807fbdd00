/**
 * Review R1.13: the Train screen read a version at chance as better than base on every row: its
 * Recall@5 over a gallery of 6 read 1.000 (only R@10 was "n/a"), and no row said what chance
 * scores there. The rule (one, in contract/wording, for the CLI and the Train screen): Recall@K is
 * n/a where K is more than half the gallery. The chance figures are checked against ranking at
 * random measured by the engine's own retrieval metrics over many seeded random similarity
 * matrices (Monte Carlo), not against their formula.
 */
import { describe, expect, it } from 'vitest';
import { chanceFigures, chanceReport, recallIsTrivial, recallText } from '../../../electron/contract/wording';
import { retrievalMetrics } from '../../../electron/engine/metric/retrieval';
import { createRng } from '../../../electron/engine/util/prng';
import { formatReports } from '../../../scripts/cli/format';

/** Mean figures of `trials` random rankings of a gallery of n (one true reference per query). */
function atRandom(n: number, trials: number, seed: number): Record<'recall1' | 'recall5' | 'recall10' | 'medianRank' | 'mapAtR', number> {
  const rng = createRng(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => i);
  const sum = { recall1: 0, recall5: 0, recall10: 0, medianRank: 0, mapAtR: 0 };
  for (let t = 0; t < trials; t++) {
    const r = retrievalMetrics(Float64Array.from({ length: n * n }, () => rng.next()), labels, labels);
    sum.recall1 += r.recallAtK[1];
    sum.recall5 += r.recallAtK[5];
    sum.recall10 += r.recallAtK[10];
    sum.medianRank += r.medianRank;
    sum.mapAtR += r.mapAtR;
  }
  return { recall1: sum.recall1 / trials, recall5: sum.recall5 / trials, recall10: sum.recall10 / trials, medianRank: sum.medianRank / trials, mapAtR: sum.mapAtR / trials };
}

describe('Recall@K n/a: K more than half the gallery', () => {
  it('R@5 over 6 is n/a (it read 1.000 in R1.13), R@1 over 2 and R@5 over 10 are figures', () => {
    expect(recallIsTrivial(5, { gallery: 6 })).toBe(true);
    expect(recallText(5, 1, { gallery: 6 })).toBe('n/a (gallery of 6)');
    expect(recallIsTrivial(1, { gallery: 2 })).toBe(false);
    expect(recallIsTrivial(1, { gallery: 1 })).toBe(true);
    expect(recallIsTrivial(5, { gallery: 10 })).toBe(false);
    expect(recallIsTrivial(10, { gallery: 19 })).toBe(true);
    expect(recallIsTrivial(10, { gallery: 20 })).toBe(false);
    // A report saved without its gallery keeps its figures.
    expect(recallIsTrivial(10, {})).toBe(false);
    // The CLI's table: R@5 and R@10 n/a over 6, R@1 a figure; the chance row beside it.
    const row = formatReports([chanceReport(6)]).split('\n')[2];
    expect(row).toBe('| chance (6 pairs) | 0.167 | n/a (gallery of 6) | n/a (gallery of 6) | 3.5 | 0.167 | 0.167 | n/a (gallery of 6) | n/a (gallery of 6) | 3.5 | 0.167 |');
  });

  it('chance figures are what ranking at random scores', () => {
    // 12,000 random queries at each gallery size (seeded): the spread of a mean recall is under 0.005.
    for (const n of [2, 6, 13]) {
      const measured = atRandom(n, Math.ceil(12_000 / n), n);
      const chance = chanceFigures(n);
      expect(chance.gallery).toBe(n);
      for (const k of ['recall1', 'recall5', 'recall10', 'mapAtR'] as const) expect(Math.abs(chance[k] - measured[k]), `${k} over ${n}`).toBeLessThan(0.015);
      // The median of n ranks drawn at random is symmetric about the middle rank.
      expect(Math.abs(chance.medianRank - measured.medianRank), `median rank over ${n}`).toBeLessThan(0.05 * n);
    }
  });
});
