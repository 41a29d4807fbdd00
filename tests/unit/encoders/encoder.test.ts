import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder, createEncoder, NORM_EPS, POOL_EPS, type NamedWeights } from '../../../electron/engine/encoders/encoder';
import { seededRandom } from '../../../electron/engine/encoders/rng';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomBatch(n: number, W: number, D: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * W * D }, () => random() * 6 - 3);
}

/** The documented maths as plain loops over the named weights, for one segment. */
function referenceForward(w: NamedWeights, x: Float32Array, W: number, D: number, convLayers: number): number[] {
  let h: number[][] = Array.from({ length: W }, (_, t) => Array.from({ length: D }, (_, d) => (x[t * D + d] - w['standardise.mean'].data[d]) / w['standardise.std'].data[d]));
  for (let i = 1; i <= convLayers; i++) {
    const [K, cin, cout] = w[`conv${i}.kernel`].shape;
    const k = w[`conv${i}.kernel`].data;
    h = h.map((_, t) =>
      Array.from({ length: cout }, (_, o) => {
        let s = w[`conv${i}.bias`].data[o];
        for (let j = 0; j < K; j++) {
          const src = t + j - 1;
          if (src < 0 || src >= W) continue;
          for (let c = 0; c < cin; c++) s += h[src][c] * k[(j * cin + c) * cout + o];
        }
        return Math.max(0, s);
      }),
    );
  }
  const H = h[0].length;
  const mu = Array.from({ length: H }, (_, c) => h.reduce((a, r) => a + r[c], 0) / W);
  const sd = mu.map((m, c) => Math.sqrt(h.reduce((a, r) => a + (r[c] - m) ** 2, 0) / W + POOL_EPS));
  const dense = (v: number[], name: string, relu: boolean): number[] => {
    const [nin, nout] = w[`${name}.kernel`].shape;
    return Array.from({ length: nout }, (_, o) => {
      let s = w[`${name}.bias`].data[o];
      for (let i = 0; i < nin; i++) s += v[i] * w[`${name}.kernel`].data[i * nout + o];
      return relu ? Math.max(0, s) : s;
    });
  };
  const z = dense(dense([...mu, ...sd], 'proj1', true), 'proj2', false);
  const norm = Math.sqrt(Math.max(z.reduce((a, b) => a + b * b, 0), NORM_EPS));
  return z.map((v) => v / norm);
}

describe('createEncoder', () => {
  it('computes the documented maths (plain-loop reference), for one and two convolutions', () => {
    for (const convLayers of [1, 2] as const) {
      const W = 6;
      const D = 5;
      const enc = createEncoder({ inDim: D, window: W, hidden: 8, outDim: 4, convLayers, seed: 3 });
      enc.setStandardiser({ mean: Float32Array.of(1, -1, 0, 2, 0.5), std: Float32Array.of(2, 1, 0.5, 3, 1) });
      const x = randomBatch(3, W, D, 11);
      const out = tf.tidy(() => enc.apply(tf.tensor3d(x, [3, W, D])).arraySync());
      for (let b = 0; b < 3; b++) {
        const ref = referenceForward(enc.getWeights(), x.subarray(b * W * D, (b + 1) * W * D), W, D, convLayers);
        ref.forEach((v, i) => expect(out[b][i]).toBeCloseTo(v, 5));
      }
      enc.dispose();
    }
  });

  it('returns unit-norm rows of size d and leaks no tensors', () => {
    const enc = createEncoder({ inDim: 7, window: 16, seed: 1 });
    const before = tf.memory().numTensors;
    const norms = tf.tidy(() => enc.apply(tf.tensor3d(randomBatch(9, 16, 7, 2), [9, 16, 7])).norm('euclidean', 1).arraySync()) as number[];
    expect(tf.memory().numTensors).toBe(before);
    expect(norms).toHaveLength(9);
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    enc.dispose();
  });

  it('initialises deterministically from the seed', () => {
    const a = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 42 });
    const b = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 42 });
    const c = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 43 });
    const wa = a.getWeights();
    expect(wa['conv2.kernel'].data).toEqual(b.getWeights()['conv2.kernel'].data);
    expect(wa['conv2.kernel'].data).not.toEqual(c.getWeights()['conv2.kernel'].data);
    const dual = createDualEncoder({ videoIn: 4, audioIn: 4, window: 8, hidden: 6, outDim: 3, seed: 42 });
    expect(dual.video.getWeights()['proj1.kernel'].data).not.toEqual(dual.audio.getWeights()['proj1.kernel'].data);
    for (const e of [a, b, c, dual.video, dual.audio]) e.dispose();
  });

  it('round-trips weights and refuses wrong shapes', () => {
    const a = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 1 });
    const b = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 2 });
    b.setWeights(a.getWeights());
    const x = tf.tensor3d(randomBatch(2, 8, 4, 5), [2, 8, 4]);
    expect(tf.tidy(() => b.apply(x).arraySync())).toEqual(tf.tidy(() => a.apply(x).arraySync()));
    const bad = a.getWeights();
    bad['proj2.kernel'] = { shape: [6, 4], data: new Float32Array(24) };
    expect(() => b.setWeights(bad)).toThrow(/proj2.kernel.*shape/);
    x.dispose();
    a.dispose();
    b.dispose();
  });

  it('passes gradient to every trainable variable and none to the fixed standardiser', () => {
    const enc = createEncoder({ inDim: 5, window: 8, hidden: 6, outDim: 4, seed: 9 });
    expect(enc.variables).toHaveLength(8);
    const x = tf.tensor3d(randomBatch(4, 8, 5, 1), [4, 8, 5]);
    const target = tf.tensor2d(randomBatch(1, 4, 4, 2), [4, 4]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(enc.apply(x), target)) as tf.Scalar, enc.variables);
    expect(Object.keys(grads)).toHaveLength(8);
    for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([value, x, target, ...Object.values(grads)]);
    enc.dispose();
  });
});
