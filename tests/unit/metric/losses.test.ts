import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { LOSSES, type LossInput, type LossName, type MetricLoss } from '../../../electron/engine/metric/losses';
import { createRng, lossCase, NUM_CLASSES, randMat, randomTuple, t2 } from './fixtures';
import type { Mat, RefInput } from './reference';

beforeAll(async () => {
  await useBackend('cpu');
});

const DIM = 5;

function expectClose(actual: number, expected: number, rel = 1e-4): void {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-6);
}

/** Run the engine loss on the same data as a reference input. */
function engineValue(loss: MetricLoss, input: RefInput, tuple?: LossInput['indicesTuple'], withLabels = true): number {
  return tf.tidy(() => {
    const opts: LossInput = { indicesTuple: tuple };
    if (input.ref) {
      opts.refEmb = t2(input.ref);
      if (withLabels) opts.refLabels = input.refLabels;
    }
    return loss.compute(t2(input.emb), withLabels ? input.labels : undefined, opts).dataSync()[0];
  });
}

type Scenario = 'labels' | 'labels+ref' | 'pairs' | 'pairs+ref' | 'triplets' | 'triplets+ref';
const SCENARIOS: Scenario[] = ['labels', 'labels+ref', 'pairs', 'pairs+ref', 'triplets', 'triplets+ref'];

// Every registered loss is tested: a new registry entry is picked up here by itself.
const NAMES: LossName[] = LOSSES.map((d) => d.name);
const capabilitiesOf = (name: LossName) => LOSSES.find((d) => d.name === name)!.capabilities;

describe.each(NAMES.map((n) => [n]))('%s against its float64 reference', (name: LossName) => {
  const needsLabels = capabilitiesOf(name).needsLabelsWithTuple;
  it.each(SCENARIOS.map((s) => [s]))('%s', (scenario: Scenario) => {
    const rng = createRng(100 + NAMES.indexOf(name) * 7 + SCENARIOS.indexOf(scenario));
    const labels = [0, 1, 2, 0, 1, 2, 3, 0, 1];
    const refLabels = [2, 0, 1, 1, 3, 0, 2];
    const withRef = scenario.endsWith('+ref');
    const input: RefInput = { emb: randMat(labels.length, DIM, rng), labels };
    if (withRef) Object.assign(input, { ref: randMat(refLabels.length, DIM, rng), refLabels });
    const kind = scenario.startsWith('pairs') ? 'pairs' : scenario.startsWith('triplets') ? 'triplets' : null;
    const tuple = kind ? randomTuple(kind, labels, withRef ? refLabels : undefined, rng) : undefined;
    const c = lossCase(name, DIM);
    const loss = c.make();
    try {
      const expected = c.ref({ ...input, tuple: tuple?.ref }, loss);
      // Pair losses take the tuple alone; classification losses always need class labels.
      const actual = engineValue(loss, input, tuple?.engine, needsLabels || !tuple);
      expect(expected).not.toBe(0);
      expectClose(actual, expected);
    } finally {
      loss.dispose();
    }
  });
});

/** Central differences of a float64 function of a matrix. */
function finiteDiff(f: (m: Mat) => number, m: Mat, h = 1e-5): Mat {
  return m.map((row, i) =>
    row.map((_, j) => {
      const plus = m.map((r) => [...r]);
      const minus = m.map((r) => [...r]);
      plus[i][j] += h;
      minus[i][j] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    }),
  );
}

function expectGradClose(actual: Mat, expected: Mat): void {
  const scale = Math.max(...expected.flat().map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  actual.flat().forEach((a, k) => {
    expect(Number.isFinite(a)).toBe(true);
    expect(Math.abs(a - expected.flat()[k])).toBeLessThanOrEqual(2e-3 * scale + 1e-6);
  });
}

describe.each(NAMES.map((n) => [n]))('%s gradient vs finite differences', (name: LossName) => {
  it.each([['no ref'], ['ref']])('%s', (mode: string) => {
    const rng = createRng(500 + NAMES.indexOf(name));
    const labels = [0, 1, 0, 1, 2];
    const refLabels = [1, 0, 2, 1];
    const emb = randMat(labels.length, 3, rng);
    const ref = mode === 'ref' ? randMat(refLabels.length, 3, rng) : undefined;
    const c = lossCase(name, 3);
    const loss = c.make();
    try {
      const input = (e: Mat, r?: Mat): RefInput => (r ? { emb: e, labels, ref: r, refLabels } : { emb: e, labels });
      const embT = t2(emb);
      const refT = ref ? t2(ref) : undefined;
      const vars = loss.trainableVariables();
      const xs = [embT, ...(refT ? [refT] : [])];
      const f = (...args: tf.Tensor[]): tf.Scalar =>
        loss.compute(args[0] as tf.Tensor2D, labels, refT ? { refEmb: args[1] as tf.Tensor2D, refLabels } : {});
      const grads = tf.grads(f)(xs).map((g) => g.arraySync() as Mat);
      // The base point fixes circle loss's α weights, which the paper treats as constants.
      const at = input(emb, ref);
      expectGradClose(grads[0], finiteDiff((m) => c.ref(input(m, ref), loss, at), emb));
      if (ref) expectGradClose(grads[1], finiteDiff((m) => c.ref(input(emb, m), loss, at), ref));
      // Class weights / proxies: perturb the variable and re-run the reference.
      for (const v of vars) {
        const { grads: vg } = tf.variableGrads(() => f(...xs), [v]);
        const base = v.arraySync() as Mat;
        const fd = finiteDiff((m) => {
          v.assign(tf.tensor2d(m));
          return c.ref(input(emb, ref), loss);
        }, base);
        v.assign(tf.tensor2d(base));
        expectGradClose(vg[v.name].arraySync() as Mat, fd);
        tf.dispose(vg);
      }
      tf.dispose([...xs]);
    } finally {
      loss.dispose();
    }
  });
});

describe('edge cases', () => {
  const rng = createRng(9);
  const emb = randMat(6, 4, rng);

  function valueAndGrad(loss: MetricLoss, e: Mat, labels: number[] | undefined, opts: LossInput = {}): { value: number; grad: number[] } {
    return tf.tidy(() => {
      const x = t2(e);
      const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => loss.compute(t as tf.Tensor2D, labels, opts))(x);
      return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
    });
  }

  const pairLosses = NAMES.filter((n) => !capabilitiesOf(n).needsClassLabels);
  const classLosses = NAMES.filter((n) => capabilitiesOf(n).needsClassLabels);

  it.each(pairLosses.map((n) => [n]))('%s: an empty indices tuple gives 0 and zero gradients', (name) => {
    const loss = lossCase(name, 4).make();
    const empty = { kind: 'pairs' as const, a1: new Int32Array(0), p: new Int32Array(0), a2: new Int32Array(0), n: new Int32Array(0) };
    const { value, grad } = valueAndGrad(loss, emb, capabilitiesOf(name).needsLabelsWithTuple ? [0, 1, 0, 1, 0, 1] : undefined, { indicesTuple: empty });
    expect(value).toBe(0);
    expect(grad.every((g) => g === 0)).toBe(true);
  });

  it.each(pairLosses.map((n) => [n]))('%s: singleton labels (no positive pair) stay finite', (name) => {
    const loss = lossCase(name, 4).make();
    const { value, grad } = valueAndGrad(loss, emb, [0, 1, 2, 3, 4, 5]);
    expect(grad.every(Number.isFinite)).toBe(true);
    // Only the contrastive loss has a term (negatives) that needs no positive.
    if (name === 'contrastive') expect(value).toBeGreaterThan(0);
    else expect(value).toBe(0);
  });

  it.each(classLosses.map((n) => [n]))('%s: singleton labels stay finite', (name) => {
    const loss = lossCase(name, 4).make();
    const { value, grad } = valueAndGrad(loss, emb.slice(0, NUM_CLASSES), [0, 1, 2, 3]);
    expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    loss.dispose();
  });

  it('circle loss with gamma 256 and near-duplicate negatives stays finite', async () => {
    const { CircleLoss } = await import('../../../electron/engine/metric/losses');
    const loss = new CircleLoss({ gamma: 256, m: 0.25 });
    const base = [1, 0.5, -0.3, 0.2];
    const e = [base, base.map((x) => x + 1e-4), base.map((x) => -x), base.map((x) => x * 2 + 1e-3)];
    const { value, grad } = valueAndGrad(loss, e, [0, 1, 0, 2]);
    expect(value).toBeGreaterThan(50);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('ArcFace with embeddings at 180° from their class weight stays finite', async () => {
    const { MarginSoftmaxLoss } = await import('../../../electron/engine/metric/losses');
    const loss = new MarginSoftmaxLoss('arcface', { numClasses: 3, embeddingSize: 4, seed: 1 });
    const W = loss.W.arraySync();
    const col = (c: number): number[] => W.map((r) => r[c]);
    const e = [col(0).map((x) => -x), col(1).map((x) => -x * 3), col(2).map((x) => -x + 1e-7)];
    const { value, grad } = valueAndGrad(loss, e, [0, 1, 2]);
    expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(grad.every(Number.isFinite)).toBe(true);
    const wGrad = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => loss.compute(t2(e), [0, 1, 2]), [loss.W]);
      return Array.from(grads[loss.W.name].dataSync());
    });
    expect(wGrad.every(Number.isFinite)).toBe(true);
    loss.dispose();
  });
});

describe('no tensor leaks', () => {
  it.each(NAMES.map((n) => [n]))('%s: tf.memory().numTensors is stable over training steps', (name) => {
    const rng = createRng(77);
    const labels = [0, 1, 2, 3, 0, 1, 2, 3];
    const refLabels = [3, 2, 1, 0, 0, 1];
    const emb = tf.variable(t2(randMat(labels.length, 6, rng)));
    const ref = tf.variable(t2(randMat(refLabels.length, 6, rng)));
    const loss = lossCase(name, 6).make();
    const optimizer = tf.train.sgd(0.01);
    const step = (): void => {
      const cost = optimizer.minimize(() => loss.compute(emb, labels, { refEmb: ref, refLabels }), true, [emb, ref, ...loss.trainableVariables()]);
      cost?.dispose();
      tf.dispose(loss.computeTerms(emb, labels).map((t) => t.losses));
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    loss.dispose();
    optimizer.dispose();
    tf.dispose([emb, ref]);
  });
});
