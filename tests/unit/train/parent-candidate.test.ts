/**
 * Review R1.6: early stopping picked among steps ≥ 1 only, so a fine-tune every step of which was
 * worse than its parent on the held-out windows still saved its "best" worse step. With
 * `parentIsCandidate` the warm start is validated as step 0 and kept unless a step beats it.
 * Real TF.js training on the synthetic corpus (seconds).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import type { TrainingData } from '../../../electron/engine/train/dataset';
import { trainDualEncoder } from '../../../electron/engine/train/trainer';
import { validationMetricOf, validationScore } from '../../../electron/engine/train/validation';
import { loadWeights, type DualWeights } from '../../../electron/engine/train/weights';
import { syntheticTrainingData, TINY } from './synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = syntheticTrainingData();
const val = data.pairs.filter((p) => p.split === 'val');
const metric = validationMetricOf(val, 'pair');

/** The validation score of `weights` on the (correctly paired) val split, in the run's metric. */
function score(weights: DualWeights): number {
  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: TINY.hidden, outDim: TINY.outDim, convLayers: TINY.convLayers, seed: 1 });
  try {
    loadWeights(dual, weights);
    return validationScore(dual, val, metric).score;
  } finally {
    dual.video.dispose();
    dual.audio.dispose();
  }
}

/** The same corpus with every training clip given the next training clip's music: it can only unlearn. */
function mispaired(d: TrainingData): TrainingData {
  const train = d.pairs.filter((p) => p.split === 'train');
  const next = new Map(train.map((p, i) => [p, train[(i + 1) % train.length]]));
  return { ...d, pairs: d.pairs.map((p) => (next.has(p) ? { ...p, audio: (next.get(p) as typeof p).audio } : p)) };
}

const equalWeights = (a: DualWeights, b: DualWeights): boolean =>
  (['video', 'audio'] as const).every((side) => Object.entries(a[side]).every(([name, t]) => Array.from(t.data).every((x, i) => x === b[side][name].data[i])));

describe('the parent as a candidate in step selection (review R1.6)', () => {
  it('a fine-tune every step of which is worse than its parent keeps the parent (step 0); without it, a worse step is kept', async () => {
    const parent = await trainDualEncoder(data, { ...TINY, steps: 60, evalEvery: 60, seed: 4 });
    const parentScore = score(parent.weights);
    const harmful = { ...TINY, steps: 30, evalEvery: 5, seed: 11, lr: 5e-2 };
    const old = await trainDualEncoder(mispaired(data), harmful, { initialWeights: parent.weights });
    // Without the parent as a candidate the run keeps one of its own steps, scoring below the parent.
    expect(old.bestStep).toBeGreaterThan(0);
    expect(score(old.weights)).toBeLessThan(parentScore);

    const kept = await trainDualEncoder(mispaired(data), harmful, { initialWeights: parent.weights, parentIsCandidate: true });
    expect(kept.bestStep).toBe(0);
    expect(kept.bestValRecall10).toBeCloseTo(parentScore, 6);
    expect(equalWeights(kept.weights, parent.weights)).toBe(true);
    // Every step still ran or early stopping ended it: the parent was never beaten.
    expect(kept.history.filter((h) => h.valRecall10 !== undefined).every((h) => (h.valRecall10 as number) <= parentScore + 1e-9)).toBe(true);
  }, 120_000);

  it('a fine-tune that helps still keeps its best step', async () => {
    // A barely trained parent, then the true pairs: the run beats it and keeps a later step.
    const parent = await trainDualEncoder(data, { ...TINY, steps: 2, evalEvery: 2, seed: 4 });
    const run = await trainDualEncoder(data, { ...TINY, steps: 40, evalEvery: 10, seed: 11 }, { initialWeights: parent.weights, parentIsCandidate: true });
    expect(run.bestStep).toBeGreaterThan(0);
    expect(score(run.weights)).toBeGreaterThan(score(parent.weights));
  }, 120_000);
});
