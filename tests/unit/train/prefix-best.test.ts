/**
 * `onValidated` hands out, after each validation, what early stopping would keep if training ended
 * there (round 6 of docs/eval-losses.md scores these prefixes of one run as shorter budgets). The
 * truths are derived outside the trainer: the running best of the recalls the progress events
 * carry, and the recall of the handed-out weights recomputed by loading them into a fresh encoder.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { trainDualEncoder, type TrainProgress } from '../../../electron/engine/train/trainer';
import type { BestValidation } from '../../../electron/engine/train/validation';
import { copyWeights, type DualWeights } from '../../../electron/engine/train/weights';
import { bestValidationBy, NOISY, rescoredValRecall } from './kept-model';
import { syntheticTrainingData, TINY } from './synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('trainDualEncoder onValidated', () => {
  it('hands out the running best with weights that score its recall, unchanged by later steps', async () => {
    const data = syntheticTrainingData(NOISY);
    const config = { ...TINY, steps: 24, evalEvery: 3, seed: 5 };
    const seen: Array<{ step: number; best: BestValidation; copy: DualWeights | null }> = [];
    const events: TrainProgress[] = [];
    const result = await trainDualEncoder(data, config, {
      onProgress: (p) => events.push(p),
      // A deep copy taken at the call: the handed-out object must still hold these numbers at the end.
      onValidated: (step, best) => seen.push({ step, best, copy: best.weights ? copyWeights(best.weights) : null }),
    });
    const validated = events.filter((e) => e.valRecall10 !== undefined);
    expect(seen.map((s) => s.step)).toEqual(validated.map((e) => e.step));
    expect(seen.map((s) => s.step)).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);

    for (const s of seen) {
      const best = bestValidationBy(events, s.step);
      expect(s.best.recall, `step ${s.step}`).toBe(best.recall);
      expect(s.best.step, `step ${s.step}`).toBe(best.step);
    }
    // The run must have improved after its first validation, or the prefixes would not differ.
    expect(new Set(seen.map((s) => s.best.step)).size).toBeGreaterThan(1);

    for (const s of seen) {
      const w = s.best.weights!;
      // Never changed after it was handed out …
      for (const side of ['video', 'audio'] as const) {
        for (const [name, t] of Object.entries(w[side])) expect(Array.from(t.data), `${s.step} ${side} ${name}`).toEqual(Array.from(s.copy![side][name].data));
      }
      // … and it is the model that scored the best recall (recomputed in a fresh encoder).
      expect(rescoredValRecall(data, config, w), `step ${s.step}`).toBe(s.best.recall);
    }
    // The last prefix is the run itself.
    expect(seen.at(-1)!.best.step).toBe(result.bestStep);
    expect(seen.at(-1)!.best.weights).toBe(result.weights);
  }, 60_000);

  // Review (session 14): the hook must see every validation, the last one of a run that stops
  // early and the final step when it is off the evalEvery grid included.
  it('is called on the final off-grid step and on the validation that stops the run', async () => {
    const data = syntheticTrainingData(NOISY);
    for (const config of [
      { ...TINY, steps: 20, evalEvery: 3, seed: 5 }, // 3, 6, …, 18 and the last step 20
      { ...TINY, steps: 200, evalEvery: 3, seed: 5, patience: 1, lr: 0.2 }, // stops early
    ]) {
      const seen: number[] = [];
      const events: TrainProgress[] = [];
      const result = await trainDualEncoder(data, config, { onProgress: (p) => events.push(p), onValidated: (step) => seen.push(step) });
      expect(seen).toEqual(events.filter((e) => e.valRecall10 !== undefined).map((e) => e.step));
      expect(seen.at(-1)).toBe(result.stepsRun);
      if (config.steps === 20) expect(seen.at(-1)).toBe(20);
      else expect(result.stoppedEarly).toBe(true);
    }
  }, 120_000);
});
