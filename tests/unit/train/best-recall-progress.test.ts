/**
 * Training progress carries the best validation Recall@10 so far: 0 before the first validation,
 * then on every step the highest of the recalls validated up to that step (the running maximum of
 * the steps that carry valRecall10, computed here from the events themselves).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { trainDualEncoder, type TrainProgress } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('TrainProgress.bestRecall10', () => {
  it('is 0 before any validation and the running best after', async () => {
    const events: TrainProgress[] = [];
    await trainDualEncoder(syntheticTrainingData(), { ...TINY, steps: 7, evalEvery: 3, seed: 4 }, { onProgress: (p) => events.push(p) });
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    let best: number | undefined;
    for (const e of events) {
      if (e.valRecall10 !== undefined) best = Math.max(best ?? -Infinity, e.valRecall10);
      expect(e.bestRecall10, `step ${e.step}`).toBe(best ?? 0);
    }
    // Validations at 3, 6 and the last step: the running best was read from real recalls.
    expect(events.filter((e) => e.valRecall10 !== undefined).map((e) => e.step)).toEqual([3, 6, 7]);
    expect(best).toBeGreaterThan(0);
  });
});
