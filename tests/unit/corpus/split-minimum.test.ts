/**
 * Review S9: the smallest corpus that can be trained and scored. The minimum per split is the
 * trainer's own (it refuses fewer train or val pairs) and a test split that ranks more than one
 * pair; the corpus size that reaches it is read off corpora planned for real (their manifests'
 * splits), not off the formula the plan uses.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, pairsToTrain, planCorpus, SPLIT_MINIMUM, splitCounts, splitShortfall } from '../../../electron/engine/corpus/plan';
import type { Split } from '../../../electron/engine/corpus/types';
import { trainDualEncoder } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from '../train/synthetic';

const planned = (n: number): Record<Split, number> => {
  const counts = { train: 0, val: 0, test: 0 };
  for (const p of planCorpus(5, { ...DEFAULT_OPTIONS, pairs: n }).pairs) counts[p.split]++;
  return counts;
};

describe('the split minimum', () => {
  it("is the trainer's: one pair fewer of train or val and it refuses; exactly the minimum trains", async () => {
    const train = (counts: Record<Split, number>) => trainDualEncoder(syntheticTrainingData({ counts }), { ...TINY, loss: 'infonce', steps: 2, evalEvery: 1 });
    await expect(train({ ...SPLIT_MINIMUM, train: SPLIT_MINIMUM.train - 1 })).rejects.toThrow(/train/);
    await expect(train({ ...SPLIT_MINIMUM, val: SPLIT_MINIMUM.val - 1 })).rejects.toThrow(/val/);
    expect((await train({ ...SPLIT_MINIMUM })).stepsRun).toBe(2);
    // One test pair would be first among one: a perfect score for any model.
    expect(SPLIT_MINIMUM.test).toBe(2);
  });

  it('is first reached by a planned corpus of pairsToTrain() pairs (10: 15 % val and test round to 2)', () => {
    const enough = (c: Record<Split, number>): boolean => c.train >= 2 && c.val >= 1 && c.test >= 2;
    for (let n = 1; n <= 40; n++) expect(splitCounts(n)).toEqual(planned(n));
    const first = Array.from({ length: 40 }, (_, i) => i + 1).find((n) => enough(planned(n)));
    expect(pairsToTrain()).toBe(first);
    expect(first).toBe(10);
    expect(planned(10)).toEqual({ train: 6, val: 2, test: 2 });
  });

  it('says what a too-small corpus has and what training and scoring need', () => {
    expect(planned(3)).toEqual({ train: 1, val: 1, test: 1 });
    expect(splitShortfall(planned(3))).toBe('1 train pair, 1 val pair and 1 test pair: training needs at least 2 train pairs and 1 val pair, and scoring the model 2 test pairs');
    expect(splitShortfall(planned(8))).toMatch(/^6 train pairs, 1 val pair and 1 test pair: /);
    expect(splitShortfall(planned(10))).toBeNull();
  });
});
