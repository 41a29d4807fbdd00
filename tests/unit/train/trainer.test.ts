/** The trainer on a tiny synthetic corpus (no media), on the cpu backend. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedWeights } from '../../../electron/engine/encoders/encoder';
import { isCancelled } from '../../../electron/engine/errors';
import { useBackend } from '../../../electron/engine/metric/backend';
import { bySplit } from '../../../electron/engine/train/dataset';
import { evaluateEmbedder } from '../../../electron/engine/train/eval';
import { tfEmbedder } from '../../../electron/engine/train/export';
import { emaDecay, trainDualEncoder, updateAverage, type TrainConfig, type TrainProgress, type TrainResult } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

const data = syntheticTrainingData();
const dir = mkdtempSync(join(tmpdir(), 'nd-trainer-'));

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Weights = TrainResult['weights'];
const flat = (w: NamedWeights) => Object.keys(w).sort().flatMap((k) => Array.from(w[k].data));
const same = (a: Weights, b: Weights) => {
  for (const side of ['video', 'audio'] as const) {
    expect(Object.keys(a[side]).sort()).toEqual(Object.keys(b[side]).sort());
    expect(flat(a[side])).toEqual(flat(b[side]));
  }
};
const allFinite = (w: Weights) => [...flat(w.video), ...flat(w.audio)].every(Number.isFinite);

async function train(config: Partial<TrainConfig>, opts: Parameters<typeof trainDualEncoder>[2] = {}): Promise<{ result: TrainResult; events: TrainProgress[] }> {
  const events: TrainProgress[] = [];
  const result = await trainDualEncoder(data, { ...TINY, ...config }, { ...opts, onProgress: (p) => (events.push(p), opts.onProgress?.(p)) });
  return { result, events };
}

async function testRecall1(result: TrainResult): Promise<number> {
  const emb = tfEmbedder(result, data);
  const r = await evaluateEmbedder('m', bySplit(data, 'test'), emb);
  emb.dispose();
  return r.videoToMusic.recall1;
}

const SHORT = { steps: 20, seed: 5, evalEvery: 5 };
let reference: TrainResult;

describe('trainDualEncoder', () => {
  it('learns: validation Recall@10 rises and the loss falls against the untrained model', async () => {
    // lr 0: the weights stay at their seeded initialisation.
    const untrained = await train({ steps: 1, lr: 0, evalEvery: 1, seed: 2 });
    const trained = await train({ steps: 60, evalEvery: 20, seed: 2 });
    const r0 = untrained.result.bestValRecall10;
    const r1 = trained.result.history.at(-1)!.valRecall10!;
    // Chance is 10/24 ≈ 0.42 on the 24 validation pairs.
    expect(r1).toBeGreaterThanOrEqual(0.9);
    expect(r1).toBeGreaterThan(r0);
    const first = untrained.events[0].loss;
    const last10 = trained.events.slice(-10).reduce((s, e) => s + e.loss, 0) / 10;
    expect(last10).toBeLessThan(0.5 * first);
    expect(await testRecall1(trained.result)).toBeGreaterThan((await testRecall1(untrained.result)) + 0.2);
    // Progress carries what the CLI shows.
    const e = trained.events[30];
    expect(e.step).toBe(31);
    expect(e.steps).toBe(60);
    expect(e.lr).toBeGreaterThan(0);
    expect(e.stepsPerSec).toBeGreaterThan(0);
    expect(e.temperature).toBeGreaterThan(0);
    expect(trained.events.filter((p) => p.valRecall10 !== undefined).map((p) => p.step)).toEqual([20, 40, 60]);
  });

  it('is deterministic: the same seed gives bit-identical weights, another seed does not', async () => {
    reference = (await train(SHORT)).result;
    const again = (await train(SHORT)).result;
    same(again.weights, reference.weights);
    expect(again.history).toEqual(reference.history);
    const other = (await train({ ...SHORT, seed: 6 })).result;
    expect(flat(other.weights.video)).not.toEqual(flat(reference.weights.video));
  });

  it('cancel mid-way writes a checkpoint; resuming it ends with the weights of an uninterrupted run', async () => {
    const ckpt = join(dir, 'resume');
    const stopAt = 7;
    const controller = new AbortController();
    const err = await train(SHORT, {
      checkpointDir: ckpt,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === stopAt) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    const file = join(ckpt, 'checkpoint.json');
    expect(existsSync(file)).toBe(true);
    expect((JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step).toBe(stopAt);

    const resumed = await train(SHORT, { checkpointDir: ckpt });
    // It continued from the checkpoint rather than starting over.
    expect(resumed.events[0].step).toBe(stopAt + 1);
    expect(resumed.result.stepsRun).toBe(SHORT.steps);
    same(resumed.result.weights, reference.weights);
    expect(resumed.result.history).toEqual(reference.history);
    expect(resumed.result.bestStep).toBe(reference.bestStep);
  });

  it('weight averaging: the decay warms up, the average moves toward the weights, and a resumed run keeps it', async () => {
    expect(emaDecay(0.99, 0)).toBeCloseTo(0.1, 10);
    expect(emaDecay(0.99, 10_000)).toBe(0.99);
    const shadow = { w: { shape: [2], data: Float32Array.from([0, 10]) } };
    updateAverage(shadow, { w: { shape: [2], data: Float32Array.from([1, 0]) } }, 0.75);
    expect(Array.from(shadow.w.data)).toEqual([0.25, 7.5]);

    const EMA = { ...SHORT, ema: 0.9 };
    const whole = (await train(EMA)).result;
    // What is kept is the average: it differs from the same run without averaging, and it is
    // what validation scored (the kept weights give back the best validation Recall@10).
    expect(flat(whole.weights.video)).not.toEqual(flat(reference.weights.video));
    expect(allFinite(whole.weights)).toBe(true);
    const emb = tfEmbedder(whole, data);
    const val = await evaluateEmbedder('kept', bySplit(data, 'val'), emb);
    emb.dispose();
    expect(val.videoToMusic.recall10).toBeCloseTo(whole.bestValRecall10, 10);
    await expect(train({ ...SHORT, ema: 1 })).rejects.toThrow(/ema decay/);
    const ckpt = join(dir, 'resume-ema');
    const controller = new AbortController();
    await train(EMA, { checkpointDir: ckpt, signal: controller.signal, onProgress: (p) => p.step === 7 && controller.abort() }).catch(() => undefined);
    const resumed = (await train(EMA, { checkpointDir: ckpt })).result;
    same(resumed.weights, whole.weights);
    expect(resumed.history).toEqual(whole.history);
  });

  it('a checkpoint of another config is not resumed', async () => {
    const ckpt = join(dir, 'resume');
    const controller = new AbortController();
    const events: number[] = [];
    const err = await train({ ...SHORT, seed: 9 }, { checkpointDir: ckpt, signal: controller.signal, onProgress: (p) => (events.push(p.step), controller.abort()) }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(events).toEqual([1]);
  });

  it('a checkpoint trained on another feature spec is not resumed', async () => {
    const ckpt = join(dir, 'resume-spec');
    await train(SHORT, { checkpointDir: ckpt });
    const events: number[] = [];
    const controller = new AbortController();
    const otherSpec = { ...data, spec: { ...data.spec, video: `${data.spec.video}-changed` } };
    const err = await trainDualEncoder(otherSpec, { ...TINY, ...SHORT }, { checkpointDir: ckpt, signal: controller.signal, onProgress: (p) => (events.push(p.step), controller.abort()) }).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect(events).toEqual([1]);
  });

  it('stops early after `patience` validations without improvement', async () => {
    // lr 0: validation recall never improves after the first check.
    const { result } = await train({ steps: 50, lr: 0, evalEvery: 2, patience: 2, seed: 3 });
    expect(result.stoppedEarly).toBe(true);
    expect(result.stepsRun).toBe(6);
    expect(result.bestStep).toBe(2);
    expect(result.history.filter((h) => h.valRecall10 !== undefined)).toHaveLength(3);
    const patient = await train({ steps: 8, lr: 0, evalEvery: 2, patience: 10, seed: 3 });
    expect(patient.result.stoppedEarly).toBe(false);
    expect(patient.result.stepsRun).toBe(8);
  });

  it.each(['arcface', 'multi-similarity'] as const)('%s trains without NaN and validation Recall@10 rises', async (loss) => {
    const start = (await train({ loss, steps: 1, lr: 0, evalEvery: 1, seed: 4 })).result;
    const { result, events } = await train({ loss, steps: 20, evalEvery: 10, seed: 4 });
    expect(events).toHaveLength(20);
    expect(events.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(allFinite(result.weights)).toBe(true);
    expect(flat(result.weights.video)).not.toEqual(flat(start.weights.video));
    // It learns, not only stays finite. Chance is 10/24 ≈ 0.42 on the 24 validation pairs; the untrained
    // model scores 0.375 (seed 4). Multi-similarity reaches 0.92 in 20 steps; ArcFace's class weights
    // learn slowly on 24 pairs (0.50 at 20 steps, 0.54 at 60), so it is held to rising.
    expect(result.bestValRecall10).toBeGreaterThan(start.bestValRecall10);
    if (loss === 'multi-similarity') expect(result.bestValRecall10).toBeGreaterThanOrEqual(0.75);
  });

  it('a class-weight loss is deterministic too: its weights are seeded by the run', async () => {
    const config = { ...SHORT, loss: 'arcface' as const, steps: 8 };
    const a = (await train(config)).result;
    const b = (await train(config)).result;
    same(a.weights, b.weights);
    expect(a.history).toEqual(b.history);
  });

  it('leaves no tensors behind (optimizer slots, checkpoints, validation)', async () => {
    // multi-similarity owns no variables, so any leftover tensor is the trainer's own.
    const before = tf.memory().numTensors;
    await train({ loss: 'multi-similarity', steps: 4, evalEvery: 2, seed: 8 }, { checkpointDir: join(dir, 'leak') });
    await train({ loss: 'multi-similarity', steps: 4, evalEvery: 2, seed: 8 }, { checkpointDir: join(dir, 'leak') });
    expect(tf.memory().numTensors).toBe(before);
  });
});
