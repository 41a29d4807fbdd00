/** Checkpoint files: the layout older runs wrote still loads, a round trip is exact, another run's file is not taken. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { checkpointFile, loadCheckpoint, lossVariableValues, restoreLossVariables, saveCheckpoint, type RunState } from '../../../electron/engine/train/checkpoint';
import { DEFAULT_TRAIN_CONFIG } from '../../../electron/engine/train/trainer';

const root = mkdtempSync(join(tmpdir(), 'nd-ckpt-'));
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = { video: 'v1', audio: 'a1' };
const config = { ...DEFAULT_TRAIN_CONFIG, steps: 10 };
const b64 = (values: number[]): string => Buffer.from(Float32Array.from(values).buffer).toString('base64');
const w = (values: number[]) => ({ w: { shape: [values.length], data: Float32Array.from(values) } });

describe('checkpoint', () => {
  it('reads the layout training has always written', () => {
    const dir = join(root, 'old');
    const saved = (values: number[]) => ({ w: { shape: [values.length], data: b64(values) } });
    const file = {
      config,
      spec,
      step: 4,
      weights: { video: saved([1.5, -2]), audio: saved([0.25]), loss: { '0': [3, 4] } },
      best: { step: 2, recall: 0.5, weights: { video: saved([1, 1]), audio: saved([2]) } },
      optimizer: { step: 4, m: {}, v: {} },
      ema: { video: saved([0.5, 0.5]), audio: saved([7]) },
      history: [{ step: 2, loss: 1.2, valRecall10: 0.5 }],
      sinceBest: 1,
    };
    mkdirSync(dir);
    writeFileSync(checkpointFile(dir), JSON.stringify(file));
    const state = loadCheckpoint(dir, config, spec)!;
    expect(state.step).toBe(4);
    expect(Array.from(state.weights.video.w.data)).toEqual([1.5, -2]);
    expect(state.weights.video.w.shape).toEqual([2]);
    expect(Array.from(state.weights.audio.w.data)).toEqual([0.25]);
    expect(state.lossVariables).toEqual({ '0': [3, 4] });
    expect(state.best.step).toBe(2);
    expect(Array.from(state.best.weights!.audio.w.data)).toEqual([2]);
    expect(Array.from(state.ema!.audio.w.data)).toEqual([7]);
    expect(state.sinceBest).toBe(1);
    expect(state.history).toEqual(file.history);
  });

  it('round-trips a run exactly, through a temporary file that does not stay', () => {
    const dir = join(root, 'trip');
    const state: RunState = {
      step: 3,
      weights: { video: w([Math.PI, -1e-30]), audio: w([3.4e38]) },
      lossVariables: { '0': [0.5] },
      best: { step: 0, recall: -1, weights: null },
      sinceBest: 0,
      optimizer: { step: 3, m: { '0': [0.1] }, v: { '0': [0.2] } },
      history: [],
    };
    saveCheckpoint(dir, config, spec, state);
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
    const back = loadCheckpoint(dir, config, spec)!;
    expect(Array.from(back.weights.video.w.data)).toEqual(Array.from(Float32Array.from([Math.PI, -1e-30])));
    expect(back.ema).toBeUndefined();
    expect(back.best).toEqual(state.best);
    expect(back.optimizer).toEqual(state.optimizer);
  });

  it('is not resumed by another config or another feature spec, nor found where none was written', () => {
    const dir = join(root, 'trip');
    expect(loadCheckpoint(dir, config, spec)).not.toBeNull();
    expect(loadCheckpoint(dir, { ...config, seed: config.seed + 1 }, spec)).toBeNull();
    expect(loadCheckpoint(dir, config, { ...spec, audio: 'a2' })).toBeNull();
    expect(existsSync(join(root, 'none'))).toBe(false);
    expect(loadCheckpoint(join(root, 'none'), config, spec)).toBeNull();
  });

  it('restores the loss variables by position', () => {
    const a = [tf.variable(tf.tensor2d([[1, 2]])), tf.variable(tf.scalar(5))];
    const values = lossVariableValues(a);
    expect(values).toEqual({ '0': [1, 2], '1': [5] });
    const b = [tf.variable(tf.zeros([1, 2])), tf.variable(tf.scalar(0))];
    restoreLossVariables(b, values);
    expect(Array.from(b[0].dataSync())).toEqual([1, 2]);
    expect(b[0].shape).toEqual([1, 2]);
    expect(b[1].dataSync()[0]).toBe(5);
    tf.dispose([...a, ...b]);
  });
});
