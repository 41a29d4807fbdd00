/** A trained result exported as a model version: loadable, and onnxruntime-node embeds like TF.js. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Segments } from '../../../electron/engine/encoders/segments';
import { NeedledropError } from '../../../electron/engine/errors';
import { useBackend } from '../../../electron/engine/metric/backend';
import { loadModelVersion, type LoadedModel } from '../../../electron/engine/models/version';
import { bySplit } from '../../../electron/engine/train/dataset';
import { evaluateEmbedder, type DualEmbedder } from '../../../electron/engine/train/eval';
import { saveTrainedModel, onnxEmbedder, tfEmbedder } from '../../../electron/engine/train/export';
import { trainDualEncoder, type TrainResult } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from '../../unit/train/synthetic';

const data = syntheticTrainingData({ counts: { train: 24, val: 12, test: 12 } });
const root = mkdtempSync(join(tmpdir(), 'nd-train-export-'));
let result: TrainResult;
let other: TrainResult;
let model: LoadedModel;

beforeAll(async () => {
  await useBackend('cpu');
  result = await trainDualEncoder(data, { ...TINY, convLayers: 2, steps: 12, evalEvery: 6, seed: 21 });
  other = await trainDualEncoder(data, { ...TINY, convLayers: 2, steps: 1, lr: 0, evalEvery: 1, seed: 22 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Largest |a − b| over every segment embedding of the items, both sides. */
async function maxDiff(a: DualEmbedder, b: DualEmbedder, segments: Array<{ side: 'video' | 'audio'; segs: Segments }>): Promise<number> {
  let worst = 0;
  for (const { side, segs } of segments) {
    const x = await a[side](segs);
    const y = await b[side](segs);
    expect(x.length).toBe(segs.n * a.dim);
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  }
  return worst;
}

describe('saveTrainedModel', () => {
  it('writes a version folder that loadModelVersion accepts, with the training facts in model.json', async () => {
    const dir = join(root, 'tiny-1');
    const manifest = await saveTrainedModel(dir, result, data, { version: 'tiny-1', parent: null, trainingData: 'synthetic', metrics: { note: 'test' } });
    model = await loadModelVersion(dir, { expectedSpec: data.spec });
    expect(model.manifest).toEqual(manifest);
    expect(manifest.dims).toEqual({ videoIn: data.dims.video, audioIn: data.dims.audio, out: TINY.outDim });
    expect([manifest.window, manifest.hop]).toEqual([data.window, data.hop]);
    expect(manifest.featureSpec).toEqual(data.spec);
    expect(manifest.loss).toBe('infonce');
    expect(manifest.training).toMatchObject({ seed: 21, steps: 12, bestStep: result.bestStep, data: 'synthetic' });
    // A build extracting another spec refuses it; a second export over it is refused too.
    await expect(loadModelVersion(dir, { expectedSpec: { video: 'other' } })).rejects.toThrow(/feature spec mismatch/);
    await expect(saveTrainedModel(dir, result, data, { version: 'tiny-1', parent: null, trainingData: 'x', metrics: {} })).rejects.toBeInstanceOf(NeedledropError);
  });

  it('onnxEmbedder (onnxruntime-node) and tfEmbedder agree to 1e-4 on the same segments', async () => {
    const logs: string[] = [];
    const onnx = await onnxEmbedder(model, 'cpu', (m) => logs.push(m));
    const tfe = tfEmbedder(result, data);
    const stale = tfEmbedder(other, data);
    const items = [...bySplit(data, 'val'), ...bySplit(data, 'test')];
    const segments = items.flatMap((p) => [
      { side: 'video' as const, segs: p.video.segments },
      { side: 'audio' as const, segs: p.audio.segments },
    ]);
    try {
      expect(onnx.provider).toBe('cpu');
      expect(onnx.dim).toBe(TINY.outDim);
      expect(await maxDiff(onnx, tfe, segments)).toBeLessThan(1e-4);
      // Other weights do not agree: the comparison can fail.
      expect(await maxDiff(onnx, stale, segments)).toBeGreaterThan(1e-2);
      // So the evaluation table is the same whichever runtime embeds.
      const test = bySplit(data, 'test');
      const a = await evaluateEmbedder('m', test, onnx);
      const b = await evaluateEmbedder('m', test, tfe);
      expect(a).toEqual(b);
    } finally {
      tfe.dispose();
      stale.dispose();
      await onnx.close();
    }
  });
});
