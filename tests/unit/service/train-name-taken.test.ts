/**
 * A version of the name being trained made meanwhile (copied in by hand, review R1.12): trainAndSave
 * saves the run beside it as "d1-2" (saveTarget) and fits the new version's match calibration into
 * that folder, not into the copied one, whose files stay byte for byte. (The calibration went to the
 * folder of the name asked: the copied version's match-calibration.json was overwritten.) Truths: the
 * copied folder's bytes before and after, and the calibration written where model.json says d1-2.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobHandle } from '../../../electron/engine/service/jobs';
import { trainAndSave } from '../../../electron/engine/service/training';
import { syntheticTrainingData, TINY } from '../train/synthetic';

const BASE = join(import.meta.dirname, '../../../models/base');
const root = mkdtempSync(join(tmpdir(), 'nd-train-taken-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytesOf = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('trainAndSave when the version name is taken during the run', () => {
  it('saves as d1-2 with its own calibration; the folder copied in as d1 is left as it was', async () => {
    const models = join(root, 'models');
    mkdirSync(models);
    const outDir = join(models, 'd1');
    let copied = false;
    // Once training runs (the start's checks passed), the shipped base is copied in under the name.
    const job: JobHandle = {
      id: 'test',
      signal: new AbortController().signal,
      progress: (phase) => {
        if (phase !== 'train' || copied) return;
        cpSync(BASE, outDir, { recursive: true });
        copied = true;
      },
    };
    // 12 test pairs: enough for the workflow to fit a match calibration on them (MIN_CALIBRATION_PAIRS).
    const data = syntheticTrainingData({ seed: 5, counts: { train: 40, val: 24, test: 12 } });
    const out = await trainAndSave({ data, config: { ...TINY, loss: 'infonce', steps: 8, evalEvery: 4, seed: 1 }, version: 'd1', outDir, parent: null, trainingData: 'synthetic 5' }, job);
    expect(copied).toBe(true);
    expect(out.outDir).toBe(join(models, 'd1-2'));
    expect(out.kept).toBe(`model version "d1" was made by something else while this run trained (${outDir}): this run is saved as "d1-2" instead, at ${join(models, 'd1-2')}`);
    expect(JSON.parse(readFileSync(join(models, 'd1-2', 'model.json'), 'utf8'))).toMatchObject({ version: 'd1-2' });
    expect(bytesOf(outDir)).toEqual(bytesOf(BASE));
    // The run's calibration is beside its own model.json, fitted on its test split.
    expect(JSON.parse(readFileSync(join(models, 'd1-2', 'match-calibration.json'), 'utf8')).data).toMatch(/^d1-2: the test split of synthetic 5: 12 held-out sources/);
  }, 120_000);
});
