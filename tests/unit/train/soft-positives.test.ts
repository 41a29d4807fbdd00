/** Soft positives: the latent kernel's targets, InfoNCE's soft-target loss, and their wiring into training. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Latent } from '../../../electron/engine/corpus/types';
import { useBackend } from '../../../electron/engine/metric/backend';
import { InfoNCELoss, lossDescriptor } from '../../../electron/engine/metric/losses';
import { bySplit } from '../../../electron/engine/train/dataset';
import { batchLoss } from '../../../electron/engine/train/objective';
import { latentTargets } from '../../../electron/engine/train/soft-positives';
import { trainDualEncoder } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

const latent = (arousal: number, valence: number, pace: number): Latent => ({ arousal, valence, pace });
/** n random unit rows of dimension 4, seeded. */
const unitRows = (n: number, seed: number): tf.Tensor2D =>
  tf.tidy(() => {
    const x = tf.randomNormal([n, 4], 0, 1, 'float32', seed) as tf.Tensor2D;
    return tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D;
  });
const value = (t: tf.Scalar): number => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

describe('latentTargets', () => {
  it('is the row-normalised Gaussian kernel of the latent distance (hand-computed)', () => {
    // σ = 0.1, so 2σ² = 0.02. Squared distances: a–b 0.01, a–c 0.04, b–c 0.01 + 0.04 = 0.05.
    // Kernel: e^−0.5 = 0.606531, e^−2 = 0.135335, e^−2.5 = 0.082085; each row divided by its sum
    // (a: 1.741866, b: 1.688616, c: 1.217420).
    const t = latentTargets([latent(0, 0, 0), latent(0.1, 0, 0), latent(0, 0.2, 0)], 0.1);
    const expected = [
      [0.574097, 0.348207, 0.077696],
      [0.359188, 0.592201, 0.048611],
      [0.111166, 0.067425, 0.821409],
    ];
    expected.flat().forEach((x, k) => expect(t[k]).toBeCloseTo(x, 5));
  });

  it('keeps a finite row however far apart the latents and however small σ', () => {
    const t = latentTargets([latent(0, 0, 0), latent(1, 1, 1)], 1e-4);
    expect(Array.from(t)).toEqual([1, 0, 0, 1]);
  });

  it('refuses a σ that is not a positive number', () => {
    for (const sigma of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => latentTargets([latent(0.5, 0.5, 0.5)], sigma)).toThrow(/sigma must be a positive number/);
  });
});

describe('InfoNCELoss.softTargetLoss', () => {
  // Unit vectors: q1 = (1, 0), q2 = (0, 1); r1 = (1, 0), r2 = (0.6, 0.8). Cosines [[1, 0.6], [0, 0.8]].
  const query = (): tf.Tensor2D => tf.tensor2d([[1, 0], [0, 1]]);
  const ref = (): tf.Tensor2D => tf.tensor2d([[1, 0], [0.6, 0.8]]);
  // Rows differ on purpose, so reading them by column for music → video would give another number.
  const targets = (): tf.Tensor2D => tf.tensor2d([[0.75, 0.25], [0.4, 0.6]]);

  it('is the mean of both directions\' cross-entropies against the targets (hand-computed, τ = 1)', () => {
    // Video → music, row 1: log-softmax of (1, 0.6) = (−0.51302, −0.91302), CE = 0.75·0.51302 + 0.25·0.91302 = 0.61302;
    // row 2: log-softmax of (0, 0.8) = (−1.17110, −0.37110), CE = 0.4·1.17110 + 0.6·0.37110 = 0.69110. Mean 0.65206.
    // Music → video, column 1: (1, 0) → (−0.31326, −1.31326) with row 1's targets, CE 0.56326;
    // column 2: (0.6, 0.8) → (−0.79813, −0.59813) with row 2's targets, CE 0.67813. Mean 0.62070. Loss (0.65206 + 0.62070) / 2.
    const loss = new InfoNCELoss({ temperature: 1 });
    expect(value(loss.softTargetLoss(query(), ref(), targets()))).toBeCloseTo(0.63638, 4);
    // Asymmetric: the video → music mean alone.
    expect(value(new InfoNCELoss({ temperature: 1, symmetric: false }).softTargetLoss(query(), ref(), targets()))).toBeCloseTo(0.65206, 4);
  });

  it('divides the cosines by the temperature, the learnt one included', () => {
    // τ = 0.5 doubles the logits; the same sums with (2, 1.2) / (0, 1.6) give 0.69750 and 0.64997.
    const fixed = new InfoNCELoss({ temperature: 0.5 });
    expect(value(fixed.softTargetLoss(query(), ref(), targets()))).toBeCloseTo(0.67374, 4);
    const learnt = new InfoNCELoss({ temperature: 0.5, learnTemperature: true });
    const { value: v, grads } = tf.variableGrads(() => learnt.softTargetLoss(query(), ref(), targets()), learnt.trainableVariables());
    expect(value(v)).toBeCloseTo(0.67374, 4);
    // The temperature gets a gradient through this loss.
    expect(Math.abs(Object.values(grads)[0].dataSync()[0])).toBeGreaterThan(1e-4);
    learnt.dispose();
  });

  it('with one-hot targets equals cross-modal InfoNCE with pair positives', () => {
    const [ev, ea] = [unitRows(6, 11), unitRows(6, 12)];
    const loss = new InfoNCELoss({ temperature: 0.2 });
    const labels = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const hard = value(loss.compute(ev, labels, { refEmb: ea, refLabels: labels }));
    expect(value(loss.softTargetLoss(ev, ea, tf.eye(6) as tf.Tensor2D))).toBeCloseTo(hard, 4);
  });

  it('refuses targets that do not fit the batch, naming the shapes', () => {
    const loss = new InfoNCELoss();
    expect(() => loss.softTargetLoss(query(), ref(), tf.ones([2, 3]) as tf.Tensor2D)).toThrow(/2×3 targets/);
  });
});

describe('soft positives in training', () => {
  const data = syntheticTrainingData();
  const items = bySplit(data, 'train').slice(0, 5);
  const capabilities = lossDescriptor('infonce').capabilities;

  it('batchLoss uses the latent kernel, not the labels', () => {
    const loss = new InfoNCELoss({ temperature: 0.1 });
    const [ev, ea] = [unitRows(5, 1), unitRows(5, 2)];
    const expected = value(loss.softTargetLoss(ev, ea, tf.tensor2d(latentTargets(items.map((p) => p.latent), 0.1), [5, 5])));
    const got = value(batchLoss(loss, capabilities, ev, ea, items, Int32Array.from([0, 1, 2, 3, 4]), 0.1));
    expect(got).toBeCloseTo(expected, 5);
    // Other labels (all one class) change nothing; without soft positives they do.
    expect(value(batchLoss(loss, capabilities, ev, ea, items, Int32Array.from([0, 0, 0, 0, 0]), 0.1))).toBeCloseTo(expected, 5);
    expect(value(batchLoss(loss, capabilities, ev, ea, items, Int32Array.from([0, 1, 2, 3, 4])))).not.toBeCloseTo(expected, 3);
  });

  it('trains: validation Recall@10 reaches what pair positives reach on the synthetic corpus', async () => {
    const soft = await trainDualEncoder(data, { ...TINY, steps: 60, evalEvery: 20, seed: 2, softPositives: 0.1 });
    // Chance is 10/24 ≈ 0.42 on the 24 validation pairs.
    expect(soft.history.at(-1)!.valRecall10!).toBeGreaterThanOrEqual(0.9);
  });

  it('is refused with a loss other than InfoNCE, and with a negative σ', async () => {
    await expect(trainDualEncoder(data, { ...TINY, steps: 1, loss: 'supcon', softPositives: 0.1 })).rejects.toThrow(/softPositives needs the infonce loss/);
    await expect(trainDualEncoder(data, { ...TINY, steps: 1, softPositives: -1 })).rejects.toThrow(/softPositives must be a number ≥ 0/);
  });
});
