/** The wasm backend (the trainer's default) must train like cpu: same gradients for one encoder + InfoNCE batch. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import { fitStandardiser } from '../../../electron/engine/encoders/standardiser';
import { useBackend, type BackendName } from '../../../electron/engine/metric/backend';
import { bySplit } from '../../../electron/engine/train/dataset';
import { buildLoss, DEFAULT_TRAIN_CONFIG } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

const data = syntheticTrainingData();
const train = bySplit(data, 'train');
const B = 16;
const config = { ...DEFAULT_TRAIN_CONFIG, ...TINY, hidden: 24, outDim: 12, convLayers: 2 as const, seed: 11 };

/** One segment per pair (the middle one), as the trainer's batch [B, W, D]. */
function batch(side: 'video' | 'audio'): Float32Array {
  const { window, D } = train[0][side].segments;
  const size = window * D;
  const out = new Float32Array(B * size);
  train.slice(0, B).forEach((p, i) => {
    const segs = p[side].segments;
    const s = Math.floor(segs.n / 2);
    out.set(segs.data.subarray(s * size, (s + 1) * size), i * size);
  });
  return out;
}

/** Loss and gradients (by variable position) of one batch, on a backend. */
async function gradients(backend: BackendName): Promise<{ loss: number; grads: Float32Array[] }> {
  await useBackend(backend);
  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: config.seed });
  dual.video.setStandardiser(fitStandardiser(train.map((p) => p.video.seq)));
  dual.audio.setStandardiser(fitStandardiser(train.map((p) => p.audio.seq)));
  const loss = buildLoss(config);
  const vars = [...dual.video.variables, ...dual.audio.variables, ...loss.trainableVariables()];
  const labels = Int32Array.from({ length: B }, (_, i) => i);
  const { value, grads } = tf.variableGrads(() => {
    const ev = dual.video.apply(tf.tensor3d(batch('video'), [B, data.window, data.dims.video]));
    const ea = dual.audio.apply(tf.tensor3d(batch('audio'), [B, data.window, data.dims.audio]));
    return loss.compute(ev, labels, { refEmb: ea, refLabels: labels });
  }, vars);
  const out = { loss: value.dataSync()[0], grads: vars.map((v) => Float32Array.from(grads[v.name].dataSync())) };
  tf.dispose([value, ...Object.values(grads)]);
  dual.video.dispose();
  dual.audio.dispose();
  loss.dispose();
  return out;
}

describe('wasm backend gradients', () => {
  it('equal cpu ones within 1e-4 relative for the encoder + InfoNCE loss on one batch', async () => {
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-4 * Math.abs(cpu.loss));
    expect(wasm.grads).toHaveLength(cpu.grads.length);
    cpu.grads.forEach((g, k) => {
      const scale = g.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      // Every variable, the temperature included, gets a real gradient.
      expect(scale, `variable ${k}`).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(wasm.grads[k][i] - g[i]));
      expect(worst / scale, `variable ${k}`).toBeLessThan(1e-4);
    });
  });
});
