/** TF.js (training) and onnxruntime-node (inference) must compute the same embeddings. */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder, createEncoder, type Encoder } from '../../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { readOnnxSignature } from '../../../electron/engine/encoders/onnx-signature';
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { openEncoder } from '../../../electron/engine/encoders/runtime';

const dir = mkdtempSync(join(tmpdir(), 'nd-parity-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomBatch(n: number, W: number, D: number, seed: number, scale = 3): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * W * D }, () => (random() * 2 - 1) * scale);
}

/** Give the encoder a non-trivial standardiser and biases, so their export is exercised too. */
function perturb(enc: Encoder, seed: number): void {
  const random = seededRandom(seed);
  const w = enc.getWeights();
  for (const [name, t] of Object.entries(w)) {
    if (name === 'standardise.std') t.data = t.data.map(() => 0.5 + random() * 2);
    else if (name.endsWith('.bias') || name === 'standardise.mean') t.data = t.data.map(() => random() - 0.5);
  }
  enc.setWeights(w);
}

async function maxAbsDiff(enc: Encoder, file: string, n: number, seed: number): Promise<number> {
  const { window: W, inDim: D } = enc.config;
  const x = randomBatch(n, W, D, seed);
  const expected = tf.tidy(() => enc.apply(tf.tensor3d(x, [n, W, D])).dataSync());
  // A small chunk so modest batches still cross chunk boundaries (TF.js on CPU is the slow side here).
  const session = await openEncoder(file, { provider: 'cpu', chunkSize: 16 });
  const actual = await session.embed(x, n);
  await session.close();
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

describe('ONNX export parity with TF.js', () => {
  const dual = createDualEncoder({ videoIn: 40, audioIn: 90, window: 16, seed: 5 });
  perturb(dual.video, 1);
  perturb(dual.audio, 2);

  for (const modality of ['video', 'audio'] as const) {
    it(`${modality} encoder agrees to 1e-4 at batch sizes 1, 7, 16 and 37 (crossing chunks of 16)`, async () => {
      const enc = dual[modality];
      const file = join(dir, `${modality}.onnx`);
      const bytes = encoderToOnnx(enc.getWeights(), enc.config, { name: modality });
      writeFileSync(file, bytes);
      expect(readOnnxSignature(bytes)).toEqual({ window: 16, inDim: enc.config.inDim, outDim: 128, opset: 17 });
      for (const [i, n] of [1, 7, 16, 37].entries()) expect(await maxAbsDiff(enc, file, n, 100 + i)).toBeLessThan(1e-4);
    });
  }

  it('agrees for a one-convolution encoder with other sizes', async () => {
    const enc = createEncoder({ inDim: 13, window: 9, hidden: 24, outDim: 16, convLayers: 1, seed: 8 });
    perturb(enc, 3);
    const file = join(dir, 'small.onnx');
    writeFileSync(file, encoderToOnnx(enc.getWeights(), enc.config));
    for (const n of [1, 5]) expect(await maxAbsDiff(enc, file, n, 7 + n)).toBeLessThan(1e-4);
    enc.dispose();
  });

  it('a changed weight changes the ONNX output (the parity check can fail)', async () => {
    const enc = dual.audio;
    const file = join(dir, 'stale.onnx');
    writeFileSync(file, encoderToOnnx(enc.getWeights(), enc.config));
    const w = enc.getWeights();
    w['proj2.bias'].data = w['proj2.bias'].data.map((v) => v + 0.5);
    enc.setWeights(w);
    expect(await maxAbsDiff(enc, file, 4, 1)).toBeGreaterThan(1e-3);
  });
});
