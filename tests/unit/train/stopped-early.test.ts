/**
 * A run whose patience ran out at its last validation ran every step: it did not stop early. The
 * Train screen and the CLI said "stopped early at step 600, kept step 200" for a 600-step run
 * (session 17, F8, seen on a resumed run). With lr 0 the weights never change, so no validation
 * after the first improves: patience 1 runs out at the second.
 */
import { expect, it } from 'vitest';
import { trainDualEncoder } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

const run = (steps: number) =>
  trainDualEncoder(syntheticTrainingData({ counts: { train: 20, val: 12, test: 2 } }), { ...TINY, loss: 'infonce', lr: 0, warmup: 0, steps, evalEvery: 10, patience: 1 });

it('patience out at the last step: all steps ran, not stopped early', async () => {
  const r = await run(20);
  expect(r.stepsRun).toBe(20);
  expect(r.stoppedEarly).toBe(false);
});

it('patience out before the last step: stopped early there', async () => {
  const r = await run(40);
  expect(r.stepsRun).toBe(20);
  expect(r.stoppedEarly).toBe(true);
});
