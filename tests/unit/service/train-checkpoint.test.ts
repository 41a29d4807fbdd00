/**
 * Review S2 through the train workflow (trainAndSave, what `needledrop train` runs): a version
 * trained, deleted and trained again under its name on another corpus is that corpus's model
 * (its ONNX files hash as a run on that corpus alone does, not as the first corpus's), and a saved
 * version leaves no checkpoint behind. Checked on the files written: sha256 of the ONNX encoders.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobHandle } from '../../../electron/engine/service/jobs';
import { trainAndSave } from '../../../electron/engine/service/training';
import { syntheticTrainingData, TINY } from '../train/synthetic';

const root = mkdtempSync(join(tmpdir(), 'nd-train-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const said: Array<{ phase: string; item?: string }> = [];
const job: JobHandle = { id: 'test', signal: new AbortController().signal, progress: (phase, _done, _total, extra) => void (phase === 'checkpoint' && said.push({ phase, ...(extra?.item ? { item: extra.item } : {}) })) };
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const onnx = (dir: string): string[] => ['video.onnx', 'audio.onnx'].map((f) => sha(join(dir, f)));

async function train(seed: number, outDir: string, checkpointDir: string) {
  // 6 test pairs: under 10, so the workflow fits no match calibration (not what is tested here).
  const data = syntheticTrainingData({ seed, counts: { train: 40, val: 24, test: 6 } });
  return trainAndSave({ data, config: { ...TINY, loss: 'infonce', steps: 12, evalEvery: 4, seed: 1 }, version: 'd1', outDir, parent: null, trainingData: `corpus ${seed}`, checkpointDir }, job);
}

describe('trainAndSave and checkpoints', () => {
  it('a version trained again under its name on another corpus is that corpus’s model; no checkpoint stays', async () => {
    const ckpt = join(root, 'checkpoints', 'd1');
    // Corpus 6 alone, in its own folders: the model the second run must write.
    await train(6, join(root, 'alone', 'd1'), join(root, 'alone-ckpt', 'd1'));
    const alone = onnx(join(root, 'alone', 'd1'));

    const models = join(root, 'models', 'd1');
    await train(5, models, ckpt);
    const first = onnx(models);
    expect(existsSync(ckpt)).toBe(false);
    rmSync(models, { recursive: true });

    const again = await train(6, models, ckpt);
    expect(again.result.stepsRun).toBe(12);
    expect(onnx(models)).toEqual(alone);
    expect(onnx(models)).not.toEqual(first);
    expect(existsSync(ckpt)).toBe(false);
    // No checkpoint was found either time: nothing to say.
    expect(said).toEqual([]);
  }, 120_000);
});
