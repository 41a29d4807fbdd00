import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { createDistance, DISTANCE_NAMES } from '../../../electron/engine/metric/distances';
import { ContrastiveLoss, createLoss, InfoNCELoss, LOSS_NAMES } from '../../../electron/engine/metric/losses';
import { reduceTerms, term } from '../../../electron/engine/metric/reducers';
import { createRng, randMat, t2 } from './fixtures';
import { contrastive64, dist, infonce64, type Mat } from './reference';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('distances', () => {
  const rng = createRng(21);
  const q = randMat(4, 3, rng);
  const r = randMat(5, 3, rng);
  it.each(DISTANCE_NAMES.flatMap((n) => [[n, true], [n, false]]))('%s (normalize %s) matches float64', (name, normalize) => {
    const d = createDistance(name, { normalize });
    const mat = tf.tidy(() => d.matrix(t2(q), t2(r)).arraySync());
    const norm = name === 'cosine' ? true : normalize;
    q.forEach((qi, i) => r.forEach((rj, j) => expect(mat[i][j]).toBeCloseTo(dist(name, qi, rj, norm), 5)));
    expect(d.isSimilarity).toBe(name === 'cosine' || name === 'dot');
  });

  it('a polarity-aware loss gives the reference value under a similarity too', () => {
    const labels = [0, 1, 0, 1, 2];
    const emb = randMat(5, 3, rng);
    const loss = new ContrastiveLoss({ distance: 'cosine', posMargin: 0.9, negMargin: 0.1 });
    const value = tf.tidy(() => loss.compute(t2(emb), labels).dataSync()[0]);
    const expected = contrastive64({ emb, labels }, 'cosine', 0.9, 0.1);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-4 * expected);
  });
});

describe('reducers', () => {
  it('mean, mean over non-zero terms, sum, divisor and weights', () => {
    const values = tf.tidy(() => {
      const t = term('x', tf.tensor1d([0, 2, 4, 0]), 'pos-pair');
      return [
        reduceTerms([t], 'mean').dataSync()[0],
        reduceTerms([t], 'mean-nonzero').dataSync()[0],
        reduceTerms([t], 'sum').dataSync()[0],
        reduceTerms([{ ...t, divisor: 3 }], 'mean').dataSync()[0],
        reduceTerms([{ ...t, weight: 0.5 }, term('y', tf.tensor1d([]), 'element')], 'mean-nonzero').dataSync()[0],
      ];
    });
    expect(values).toEqual([1.5, 3, 6, 2, 1.5]);
  });
});

describe('InfoNCE temperature', () => {
  const rng = createRng(31);
  const labels = [0, 1, 2, 3];
  const emb = randMat(4, 3, rng);
  const ref = randMat(4, 3, rng);
  const refLabels = [1, 0, 3, 2];

  it('learns log(1/τ): its gradient matches finite differences of the float64 reference', () => {
    const loss = new InfoNCELoss({ temperature: 0.2, learnTemperature: true });
    expect(loss.trainableVariables()).toHaveLength(1);
    const v = loss.trainableVariables()[0];
    const { value, grads } = tf.variableGrads(() => loss.compute(t2(emb), labels, { refEmb: t2(ref), refLabels }), [v]);
    const at = (logScale: number): number => infonce64({ emb, labels, ref, refLabels }, Math.exp(-logScale));
    const s = Math.log(5);
    expect(value.dataSync()[0]).toBeCloseTo(at(s), 4);
    const fd = (at(s + 1e-5) - at(s - 1e-5)) / 2e-5;
    expect(Math.abs(grads[v.name].dataSync()[0] - fd)).toBeLessThanOrEqual(1e-3 * Math.abs(fd));
    tf.dispose([value, grads]);
    loss.dispose();
    expect(v.isDisposed).toBe(true);
  });

  it('uses a caller-owned variable, clamps 1/τ at maxScale, and leaves the variable alive', () => {
    const scale = tf.variable(tf.scalar(Math.log(500)));
    const loss = new InfoNCELoss({ logitScale: scale, maxScale: 100 });
    expect(loss.trainableVariables()).toEqual([scale]);
    expect(loss.temperature()).toBeCloseTo(0.01, 8);
    const { grads } = tf.variableGrads(() => loss.compute(t2(emb), labels, { refEmb: t2(ref), refLabels }), [scale]);
    expect(grads[scale.name].dataSync()[0]).toBe(0);
    tf.dispose(grads);
    loss.dispose();
    expect(scale.isDisposed).toBe(false);
    scale.dispose();
  });

  it('one direction only when not symmetric', () => {
    const loss = new InfoNCELoss({ symmetric: false });
    const value = tf.tidy(() => loss.compute(t2(emb), labels, { refEmb: t2(ref), refLabels }).dataSync()[0]);
    expect(value).toBeCloseTo(infonce64({ emb, labels, ref, refLabels }, 0.07, false), 4);
    expect(value).not.toBeCloseTo(infonce64({ emb, labels, ref, refLabels }, 0.07, true), 4);
  });
});

describe('factory and inputs', () => {
  it('builds every loss by name; classification losses need numClasses and embeddingSize', () => {
    for (const name of LOSS_NAMES) {
      const loss = createLoss(name, { numClasses: 3, embeddingSize: 4 });
      expect(loss.name).toBe(name);
      loss.dispose();
    }
    expect(() => createLoss('arcface')).toThrow(/numClasses/);
  });

  it('class weights are seeded: the same seed (0 included) gives the same weights, another seed others', () => {
    const weights = (seed?: number): number[] => {
      const loss = createLoss('arcface', { numClasses: 40, embeddingSize: 50, ...(seed !== undefined && { seed }) });
      const w = Array.from(loss.trainableVariables()[0].dataSync());
      loss.dispose();
      return w;
    };
    const w0 = weights();
    expect(weights(0)).toEqual(w0);
    expect(weights(7)).not.toEqual(w0);
    // Random normal with ArcFace's std √(2 / (D + C)) = 0.149.
    const mean = w0.reduce((a, x) => a + x, 0) / w0.length;
    const std = Math.sqrt(w0.reduce((a, x) => a + (x - mean) ** 2, 0) / w0.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(std).toBeCloseTo(Math.sqrt(2 / 90), 2);
  });

  it('rejects mismatched labels, missing labels and out-of-range tuples', () => {
    const loss = createLoss('contrastive');
    const e = t2([[1, 0], [0, 1]] as Mat);
    expect(() => loss.compute(e, [0])).toThrow(/labels/);
    expect(() => loss.compute(e)).toThrow(/labels/);
    expect(() => loss.compute(e, null, { indicesTuple: { kind: 'triplets', a: Int32Array.of(0), p: Int32Array.of(1), n: Int32Array.of(5) } })).toThrow(/out of range/);
    expect(() => createLoss('cosface', { numClasses: 2, embeddingSize: 2 }).compute(e, [0, 2])).toThrow(/class index/);
    e.dispose();
  });
});

describe('wasm backend', () => {
  afterAll(async () => {
    await useBackend('cpu');
  });

  it('gives the same InfoNCE value as the cpu backend', async () => {
    const rng = createRng(5);
    const emb = randMat(6, 4, rng);
    const labels = [0, 1, 2, 0, 1, 2];
    const loss = new InfoNCELoss();
    const cpu = tf.tidy(() => loss.compute(t2(emb), labels).dataSync()[0]);
    expect(await useBackend('wasm')).toBe('wasm');
    const wasm = tf.tidy(() => loss.compute(t2(emb), labels).dataSync()[0]);
    expect(Math.abs(wasm - cpu)).toBeLessThanOrEqual(1e-5 * Math.abs(cpu));
  });

  it('refuses unknown backends', async () => {
    await expect(useBackend('gpu' as 'cpu')).rejects.toThrow(/unknown backend/);
    // No browser here: webgpu is not registered in Node.
    await expect(useBackend('webgpu')).rejects.toThrow(/webgpu/);
  });
});
