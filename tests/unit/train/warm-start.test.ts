/** Warm start: weights read back from an encoder's ONNX bytes are the ones that were written. */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, type Encoder } from '../../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { onnxToEncoder } from '../../../electron/engine/encoders/onnx-import';
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { openEncoder } from '../../../electron/engine/encoders/runtime';
import { trainDualEncoder } from '../../../electron/engine/train/trainer';
import type { DualWeights } from '../../../electron/engine/train/weights';
import { syntheticTrainingData, TINY } from './synthetic';

const dir = mkdtempSync(join(tmpdir(), 'nd-warm-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Non-trivial standardiser and biases (fresh encoders have identity / zeros there). */
function perturbed(seed: number, convLayers: 1 | 2, inDim: number, hidden: number): Encoder {
  const enc = createEncoder({ inDim, window: 8, hidden, outDim: 12, convLayers, seed });
  const random = seededRandom(seed + 100);
  const w = enc.getWeights();
  for (const [name, t] of Object.entries(w)) {
    if (name === 'standardise.std') t.data = t.data.map(() => 0.5 + random());
    else if (name.endsWith('.bias') || name === 'standardise.mean') t.data = t.data.map(() => random() - 0.5);
  }
  enc.setWeights(w);
  return enc;
}

describe('onnxToEncoder (warm start from a model version)', () => {
  for (const convLayers of [1, 2] as const) {
    it(`round-trips every weight exactly (${convLayers} conv layer(s), Cin ≠ H so a transposed kernel shows)`, () => {
      const enc = perturbed(3 + convLayers, convLayers, 5, 7);
      const original = enc.getWeights();
      const back = onnxToEncoder(encoderToOnnx(original, enc.config));
      expect(back.config).toEqual(enc.config);
      expect(Object.keys(back.weights).sort()).toEqual(Object.keys(original).sort());
      for (const [name, t] of Object.entries(original)) {
        expect(back.weights[name].shape, name).toEqual(t.shape);
        expect(Array.from(back.weights[name].data), name).toEqual(Array.from(t.data));
      }
      enc.dispose();
    });
  }

  it('a TF.js encoder loaded with the read weights embeds as the ONNX file does', async () => {
    const source = perturbed(9, 2, 6, 10);
    const bytes = encoderToOnnx(source.getWeights(), source.config);
    source.dispose();
    const file = join(dir, 'enc.onnx');
    writeFileSync(file, bytes);
    const { config, weights } = onnxToEncoder(bytes);
    const warm = createEncoder({ ...config, seed: 999 });
    warm.setWeights(weights);
    const n = 5;
    const random = seededRandom(1);
    const x = Float32Array.from({ length: n * config.window * config.inDim }, () => random() * 4 - 2);
    const tfOut = tf.tidy(() => warm.apply(tf.tensor3d(x, [n, config.window, config.inDim])).dataSync());
    const session = await openEncoder(file, { provider: 'cpu' });
    const onnxOut = await session.embed(x, n);
    await session.close();
    let max = 0;
    for (let i = 0; i < onnxOut.length; i++) max = Math.max(max, Math.abs(onnxOut[i] - tfOut[i]));
    expect(max).toBeLessThan(1e-4);
    // And a fresh encoder of another seed does not (the comparison can fail).
    const cold = createEncoder({ ...config, seed: 999 });
    const coldOut = tf.tidy(() => cold.apply(tf.tensor3d(x, [n, config.window, config.inDim])).dataSync());
    let coldMax = 0;
    for (let i = 0; i < onnxOut.length; i++) coldMax = Math.max(coldMax, Math.abs(onnxOut[i] - coldOut[i]));
    expect(coldMax).toBeGreaterThan(1e-2);
    warm.dispose();
    cold.dispose();
  });

  it('refuses bytes that are not one of our encoders, with the cause', () => {
    expect(() => onnxToEncoder(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(/not an ONNX model|not a Needledrop encoder/);
  });
});

describe('trainer warm start and heads-only', () => {
  const data = syntheticTrainingData();
  const config = { ...TINY, steps: 6, evalEvery: 3, seed: 4 };

  it('starts from the given weights and, heads-only, leaves convolutions and standardiser exactly as given', async () => {
    const parent = await trainDualEncoder(data, config);
    const child = await trainDualEncoder(data, { ...config, seed: 11, headsOnly: true, lr: 5e-2 }, { initialWeights: parent.weights });
    for (const side of ['video', 'audio'] as const) {
      for (const [name, t] of Object.entries(parent.weights[side])) {
        const after = Array.from(child.weights[side][name].data);
        if (name.startsWith('proj')) {
          if (name.endsWith('kernel')) expect(after, `${side} ${name} trained`).not.toEqual(Array.from(t.data));
        } else expect(after, `${side} ${name} frozen`).toEqual(Array.from(t.data));
      }
    }
  });

  it('without heads-only the convolutions train too (the frozen check can fail)', async () => {
    const parent = await trainDualEncoder(data, config);
    const child = await trainDualEncoder(data, { ...config, seed: 11, lr: 5e-2 }, { initialWeights: parent.weights });
    expect(Array.from(child.weights.video['conv1.kernel'].data)).not.toEqual(Array.from(parent.weights.video['conv1.kernel'].data));
    // The standardiser is the parent's (not refitted), whichever layers train.
    expect(Array.from(child.weights.audio['standardise.mean'].data)).toEqual(Array.from(parent.weights.audio['standardise.mean'].data));
  });
});

describe('trainer anchor (L2-SP pull to the warm-start weights)', () => {
  const data = syntheticTrainingData();
  const config = { ...TINY, steps: 12, evalEvery: 12, seed: 4 };
  /** Σ (w − w₀)² over both encoders' projection heads. */
  const drift = (a: DualWeights, b: DualWeights): number => {
    let s = 0;
    for (const side of ['video', 'audio'] as const) {
      for (const [name, t] of Object.entries(a[side])) if (name.startsWith('proj')) t.data.forEach((x, i) => (s += (x - b[side][name].data[i]) ** 2));
    }
    return s;
  };

  it('a strong pull keeps the fine-tuned heads far nearer the parent than no pull does', async () => {
    const parent = await trainDualEncoder(data, { ...config, steps: 6, evalEvery: 3 });
    const free = await trainDualEncoder(data, { ...config, seed: 11, headsOnly: true, lr: 5e-2 }, { initialWeights: parent.weights });
    const pulled = await trainDualEncoder(data, { ...config, seed: 11, headsOnly: true, lr: 5e-2 }, { initialWeights: parent.weights, anchor: 100 });
    const freeDrift = drift(free.weights, parent.weights);
    expect(freeDrift).toBeGreaterThan(0);
    expect(drift(pulled.weights, parent.weights)).toBeLessThan(0.5 * freeDrift);
  });
});
