/**
 * Review S3: on a validation split of 10 items or fewer, Recall@10 is 1 for any model, so early
 * stopping on it kept the first validated step and stopped `patience` validations later whatever
 * training did. Such a run is selected on the mean reciprocal rank of each clip's own track. The
 * truths, computed here: R@10 of an untrained encoder is already 1 on that split; the MRR of the
 * kept weights (their own embeddings, ranked by plain cosine) is the best MRR the run validated.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import { useBackend } from '../../../electron/engine/metric/backend';
import { bySplit } from '../../../electron/engine/train/dataset';
import { embedPairs } from '../../../electron/engine/train/eval';
import { tfEmbedder } from '../../../electron/engine/train/export';
import { trainDualEncoder, type TrainProgress } from '../../../electron/engine/train/trainer';
import { validationRecall10 } from '../../../electron/engine/train/validation';
import { syntheticTrainingData, TINY } from './synthetic';

beforeAll(async () => {
  await useBackend('cpu');
});

/** Mean over clips of 1 / (1 + the number of tracks scored above the clip's own), by cosine. */
function mrr(video: Float32Array, audio: Float32Array, n: number, d: number): number {
  const cos = (i: number, j: number): number => {
    let dot = 0;
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      dot += video[i * d + k] * audio[j * d + k];
      a += video[i * d + k] ** 2;
      b += audio[j * d + k] ** 2;
    }
    return dot / Math.sqrt(a * b);
  };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const own = cos(i, i);
    let above = 0;
    for (let j = 0; j < n; j++) if (j !== i && cos(i, j) > own) above++;
    sum += 1 / (1 + above);
  }
  return sum / n;
}

describe('validation on a split of 10 or fewer', () => {
  it('selects on MRR, which moves, and keeps the weights of the best one', async () => {
    const data = syntheticTrainingData({ seed: 11, noise: 0.6, counts: { train: 40, val: 6, test: 4 } });
    const val = bySplit(data, 'val');
    // R@10 over 6 items cannot tell models apart: an untrained encoder already scores 1.
    const untrained = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: TINY.hidden, outDim: TINY.outDim, convLayers: TINY.convLayers, seed: 3 });
    expect(validationRecall10(untrained, val)).toBe(1);
    untrained.video.dispose();
    untrained.audio.dispose();

    const events: TrainProgress[] = [];
    const config = { ...TINY, steps: 60, evalEvery: 5, patience: 3, seed: 3, lr: 3e-3 };
    const result = await trainDualEncoder(data, config, { onProgress: (p) => events.push(p) });
    const validated = events.filter((e) => e.valRecall10 !== undefined);
    const best = validated.reduce((b, e) => (e.valRecall10! > b.valRecall10! ? e : b));
    // The run found better than its first validation: R@10 selection could only have kept that one.
    expect(best.valRecall10!).toBeGreaterThan(validated[0].valRecall10!);
    expect(result.bestStep).toBeGreaterThan(validated[0].step);
    expect(result.bestStep).toBe(best.step);
    expect(result.bestValRecall10).toBe(best.valRecall10);
    expect(result.valMetric).toBe('MRR');
    expect(events.every((e) => e.valMetric === 'MRR')).toBe(true);

    const embedder = tfEmbedder(result, data);
    try {
      const { video, audio } = await embedPairs(val, embedder);
      expect(mrr(video, audio, val.length, embedder.dim)).toBeCloseTo(result.bestValRecall10, 6);
    } finally {
      embedder.dispose();
    }
  }, 60_000);

  it('keeps Recall@10 on a split of more than 10', async () => {
    const data = syntheticTrainingData({ seed: 11, counts: { train: 40, val: 11, test: 4 } });
    const result = await trainDualEncoder(data, { ...TINY, steps: 5, evalEvery: 5, seed: 3 });
    expect(result.valMetric).toBe('R@10');
  });
});
