/**
 * Checkpoint files: the layout loads, a round trip is exact, and another run's file is not taken:
 * not of another config or feature spec, nor of other data (review S2: a version trained again on
 * another corpus "resumed" the first corpus's finished run and saved its weights).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { checkpointFile, loadCheckpoint, lossVariableValues, restoreLossVariables, saveCheckpoint, trainingFingerprint, type RunState } from '../../../electron/engine/train/checkpoint';
import { DEFAULT_TRAIN_CONFIG } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData } from './synthetic';

const root = mkdtempSync(join(tmpdir(), 'nd-ckpt-'));
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = { video: 'v1', audio: 'a1' };
const config = { ...DEFAULT_TRAIN_CONFIG, steps: 10 };
const data = 'f'.repeat(64);
const run = { config, spec, data, source: 'corpus 5 at /c/a' };
const stateOf = (dir: string, identity = run): RunState => {
  const read = loadCheckpoint(dir, identity);
  if (!read || !('state' in read)) throw new Error(`no state: ${JSON.stringify(read)}`);
  return read.state;
};
const b64 = (values: number[]): string => Buffer.from(Float32Array.from(values).buffer).toString('base64');
const w = (values: number[]) => ({ w: { shape: [values.length], data: Float32Array.from(values) } });

describe('checkpoint', () => {
  it('reads the layout training writes; a file that does not say what data it was trained on is not resumed', () => {
    const dir = join(root, 'layout');
    const saved = (values: number[]) => ({ w: { shape: [values.length], data: b64(values) } });
    const file = {
      config,
      spec,
      data,
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
    const state = stateOf(dir);
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
    // Written before checkpoints recorded their data: which corpus it came from is unknown.
    const { data: _data, ...old } = file;
    writeFileSync(checkpointFile(dir), JSON.stringify(old));
    expect(loadCheckpoint(dir, run)).toEqual({ mismatch: `the checkpoint in ${dir} is not resumed: it does not record what data it was trained on (written by an older version)` });
  });

  it('round-trips a run exactly, through a temporary file that does not stay', () => {
    const dir = join(root, 'trip');
    const state: RunState = {
      step: 3,
      weights: { video: w([Math.PI, -1e-30]), audio: w([3.4e38]) },
      lossVariables: { '0': [0.5] },
      best: { step: 0, recall: -1, margin: 0.25, weights: null },
      sinceBest: 0,
      optimizer: { step: 3, m: { '0': [0.1] }, v: { '0': [0.2] } },
      history: [],
    };
    saveCheckpoint(dir, run, state);
    expect(readdirSync(dir)).toEqual(['checkpoint.json']);
    const back = stateOf(dir);
    expect(Array.from(back.weights.video.w.data)).toEqual(Array.from(Float32Array.from([Math.PI, -1e-30])));
    expect(back.ema).toBeUndefined();
    expect(back.best).toEqual(state.best);
    expect(back.optimizer).toEqual(state.optimizer);
  });

  it('is not resumed by other data, another config or another feature spec, saying why; nor found where none was written', () => {
    const dir = join(root, 'trip');
    expect(stateOf(dir).step).toBe(3);
    const not = (why: string) => ({ mismatch: `the checkpoint in ${dir} is not resumed: ${why}` });
    expect(loadCheckpoint(dir, { ...run, data: 'e'.repeat(64), source: 'corpus 6 at /c/b' })).toEqual(not('it was trained on other data (corpus 5 at /c/a)'));
    expect(loadCheckpoint(dir, { ...run, config: { ...config, seed: config.seed + 1 } })).toEqual(not('it was trained with other settings'));
    expect(loadCheckpoint(dir, { ...run, spec: { ...spec, audio: 'a2' } })).toEqual(not('it was trained on another feature spec'));
    expect(existsSync(join(root, 'none'))).toBe(false);
    expect(loadCheckpoint(join(root, 'none'), run)).toBeNull();
    // A file cut short (a full disk): set aside, naming it, rather than failing the run.
    const torn = join(root, 'torn');
    mkdirSync(torn);
    writeFileSync(checkpointFile(torn), '{"config": {"loss"');
    const read = loadCheckpoint(torn, run);
    expect(read && 'mismatch' in read && read.mismatch).toMatch(new RegExp(`^the checkpoint in ${torn} is not resumed: it cannot be read \\(.+\\)$`));
  });

  it('fingerprints the data a run learns from: equal for the same pairs, different for another corpus, split, warm start or anchor', () => {
    const a = syntheticTrainingData({ seed: 5 });
    const of = (d: typeof a, extra: Partial<Parameters<typeof trainingFingerprint>[0]> = {}): string =>
      trainingFingerprint({ pairs: d.pairs.filter((p) => p.split !== 'test'), window: d.window, hop: d.hop, ...extra });
    // The same corpus built again (fresh arrays): the same digest.
    expect(of(syntheticTrainingData({ seed: 5 }))).toBe(of(a));
    // Another corpus of the same size and shape (review S2's corpus 5 vs corpus 6).
    expect(of(syntheticTrainingData({ seed: 6 }))).not.toBe(of(a));
    // The same pairs, one moved from train to val.
    const moved = { ...a, pairs: a.pairs.map((p, i) => (i === 0 ? { ...p, split: 'val' as const } : p)) };
    expect(of(moved)).not.toBe(of(a));
    // One descriptor value changed.
    const seq = a.pairs[1].audio.seq;
    const nudged = { ...a, pairs: a.pairs.map((p, i) => (i === 1 ? { ...p, audio: { ...p.audio, seq: { ...seq, data: seq.data.map((x, j) => (j === 0 ? x + 1 : x)) } } } : p)) };
    expect(of(nudged)).not.toBe(of(a));
    // A fine-tune: the same edits from another parent model, or with another anchor.
    const parent = (x: number) => ({ video: w([x, 2]), audio: w([3]) });
    expect(of(a, { initial: parent(1) })).toBe(of(a, { initial: parent(1) }));
    expect(of(a, { initial: parent(1) })).not.toBe(of(a, { initial: parent(1.5) }));
    expect(of(a, { initial: parent(1) })).not.toBe(of(a));
    expect(of(a, { anchor: 1 })).not.toBe(of(a, { anchor: 0.5 }));
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
