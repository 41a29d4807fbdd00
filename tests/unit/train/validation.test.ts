/** Model selection pieces of the trainer: early stopping, scoring other weights, weight averaging. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder, type DualEncoder } from '../../../electron/engine/encoders/encoder';
import { useBackend } from '../../../electron/engine/metric/backend';
import { emaDecay, WeightAverage } from '../../../electron/engine/train/averaging';
import { bySplit } from '../../../electron/engine/train/dataset';
import { EarlyStopping, validateWeights, validationRecall10 } from '../../../electron/engine/train/validation';
import { currentWeights, type DualWeights } from '../../../electron/engine/train/weights';
import { syntheticTrainingData } from './synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

const data = syntheticTrainingData();
const val = bySplit(data, 'val');
const dual = (seed: number): DualEncoder => createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: 8, outDim: 4, convLayers: 1, seed });
const flat = (w: DualWeights): number[] => [...Object.values(w.video), ...Object.values(w.audio)].flatMap((t) => Array.from(t.data));

describe('EarlyStopping', () => {
  it('keeps the first best, copies weights only on improvement, and stops after `patience` validations without one', () => {
    const stopping = new EarlyStopping(2);
    let copies = 0;
    const kept = (): DualWeights => ({ video: { n: { shape: [1], data: Float32Array.of(++copies) } }, audio: {} });
    const seen: boolean[] = [];
    for (const [step, recall] of [
      [1, 0.5],
      [2, 0.4],
      [3, 0.6],
      [4, 0.6],
      [5, 0.55],
    ]) {
      stopping.record(step, recall, kept);
      seen.push(stopping.shouldStop);
    }
    expect(seen).toEqual([false, false, false, false, true]);
    expect(copies).toBe(2);
    expect(stopping.best.step).toBe(3);
    expect(stopping.best.recall).toBe(0.6);
    expect(stopping.best.weights!.video.n.data[0]).toBe(2);
  });

  it('with margins (MRR runs), an equal score with a larger margin is an improvement; a smaller one is not', () => {
    const stopping = new EarlyStopping(2);
    const kept = (): DualWeights => ({ video: {}, audio: {} });
    const steps: Array<[number, number, number]> = [
      [5, 0.611, 0.1],
      [10, 0.611, 0.3],
      [15, 0.611, 0.2],
      [20, 0.5, 0.9],
    ];
    for (const [step, mrr, margin] of steps) stopping.record(step, mrr, kept, margin);
    expect(stopping.best.step).toBe(10);
    expect(stopping.best.margin).toBe(0.3);
    expect(stopping.shouldStop).toBe(true);
  });
});

describe('validateWeights', () => {
  it('scores the given weights and puts the current ones back', () => {
    const a = dual(1);
    const b = dual(4);
    const raw = currentWeights(a);
    const scoredB = validateWeights(a, val, currentWeights(b)).score;
    expect(scoredB).toBe(validationRecall10(b, val));
    // The two encoders score differently, so the check above tells them apart.
    expect(scoredB).not.toBe(validationRecall10(a, val));
    expect(flat(currentWeights(a))).toEqual(flat(raw));
    expect(validateWeights(a, val, null)).toEqual({ score: validationRecall10(a, val), margin: null });
    for (const d of [a, b]) {
      d.video.dispose();
      d.audio.dispose();
    }
  });
});

describe('WeightAverage', () => {
  it('starts at the weights and folds each update in with the warmed-up decay', () => {
    const d = dual(3);
    const start = flat(currentWeights(d));
    const average = new WeightAverage(d, 0.99);
    expect(flat(average.weights)).toEqual(start);
    // Move the encoder's weights to all ones, then fold in update number 0 (decay 1/10).
    const ones = currentWeights(d);
    for (const t of [...Object.values(ones.video), ...Object.values(ones.audio)]) t.data.fill(1);
    d.video.setWeights(ones.video);
    d.audio.setWeights(ones.audio);
    average.update(d, 0);
    const k = emaDecay(0.99, 0);
    expect(k).toBeCloseTo(0.1, 12);
    flat(average.weights).forEach((x, i) => expect(x).toBeCloseTo(Math.fround(k * start[i] + (1 - k)), 6));
    // A copy is detached from the running average.
    const copy = average.copy();
    average.update(d, 1);
    expect(flat(copy)).not.toEqual(flat(average.weights));
    expect(() => new WeightAverage(d, 1)).toThrow(/ema decay/);
    d.video.dispose();
    d.audio.dispose();
  });
});
