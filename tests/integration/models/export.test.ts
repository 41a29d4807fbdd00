import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { exportModelVersion } from '../../../electron/engine/models/export';
import { openModel } from '../../../electron/engine/models/open';
import { loadModelVersion } from '../../../electron/engine/models/version';

const root = mkdtempSync(join(tmpdir(), 'nd-export-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('exportModelVersion → loadModelVersion → openModel', () => {
  it('round-trips a dual encoder: the opened version embeds as the TF.js encoders do', async () => {
    const dual = createDualEncoder({ videoIn: 7, audioIn: 11, window: 5, hidden: 12, outDim: 6, seed: 4 });
    const spec = { audio: 'a1', video: 'v1' };
    const manifest = await exportModelVersion(join(root, 'm1'), dual, {
      version: 'm1',
      featureSpec: spec,
      hop: 2,
      loss: 'infonce',
      training: { data: 'none', seed: 4, steps: 0 },
      metrics: {},
      parent: null,
    });
    expect(manifest.dims).toEqual({ videoIn: 7, audioIn: 11, out: 6 });
    const model = await openModel(await loadModelVersion(join(root, 'm1'), { expectedSpec: spec }), { provider: 'cpu' });
    expect(model.provider).toBe('cpu');
    const random = seededRandom(1);
    for (const [modality, D] of [['video', 7], ['audio', 11]] as const) {
      const x = Float32Array.from({ length: 3 * 5 * D }, () => random() * 2 - 1);
      const expected = tf.tidy(() => dual[modality].apply(tf.tensor3d(x, [3, 5, D])).dataSync());
      const actual = await model[modality].embed(x, 3);
      for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-4);
    }
    await model.close();
    dual.video.dispose();
    dual.audio.dispose();
  });
});
