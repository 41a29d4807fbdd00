/**
 * Round 6's budgets are prefixes of one run (scripts/bench/prefixes.ts, used by round4.ts). The
 * truths come from outside the code under test: the kept step is recomputed from the validation
 * recalls the progress events carry (the last strict improvement at or before the prefix), and the
 * kept weights are scored again in a fresh encoder, which must give that step's recall.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { trainDualEncoder, type TrainProgress } from '../../../electron/engine/train/trainer';
import { checkPrefixes, evalEveryFor, prefixKeeper, resultAt } from '../../../scripts/bench/prefixes';
import { bestValidationBy, NOISY, rescoredValRecall } from '../train/kept-model';
import { syntheticTrainingData, TINY } from '../train/synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('budgets as prefixes of one run', () => {
  it('keeps by each prefix the last improving validation at or before it, with the weights that scored it', async () => {
    const data = syntheticTrainingData(NOISY);
    const config = { ...TINY, steps: 24, evalEvery: 3, seed: 5 };
    const prefixes = [3, 6, 9, 12, 15, 18, 21];
    const keeper = prefixKeeper(prefixes);
    const events: TrainProgress[] = [];
    const result = await trainDualEncoder(data, config, { onValidated: keeper.onValidated, onProgress: (p) => events.push(p) });

    const keptSteps = new Set<number>();
    for (const p of [...prefixes, config.steps]) {
      const best = bestValidationBy(events, p);
      const at = resultAt(result, keeper.kept, p);
      expect(at.bestStep, `prefix ${p}`).toBe(best.step);
      expect(at.bestValRecall10, `prefix ${p}`).toBe(best.recall);
      expect(rescoredValRecall(data, config, at.weights), `prefix ${p}`).toBe(best.recall);
      keptSteps.add(at.bestStep);
    }
    // The prefixes kept different models, so a prefix scored with the final weights would fail above.
    expect(keptSteps.size).toBeGreaterThan(2);
    expect(resultAt(result, keeper.kept, config.steps)).toBe(result);
    expect(() => resultAt(result, prefixKeeper([]).kept, 12)).toThrow(/no validation at or before step 12/);
  }, 60_000);

  it('takes prefixes only on the validation grid of exactly one budget', () => {
    expect(evalEveryFor(720)).toBe(90);
    expect(evalEveryFor(40)).toBe(10);
    expect(() => checkPrefixes([180, 360], [720])).not.toThrow();
    expect(() => checkPrefixes([], [360, 720])).not.toThrow();
    expect(() => checkPrefixes([200], [720])).toThrow(/200 is not on the validation grid of a 720-step run \(every 90 steps\)/);
    expect(() => checkPrefixes([180], [360, 720])).toThrow(/exactly one --steps budget/);
    expect(() => checkPrefixes([720], [720])).toThrow(/720 is not a whole number of steps below the budget 720/);
    expect(() => checkPrefixes([0], [720])).toThrow(/not a whole number/);
  });
});
