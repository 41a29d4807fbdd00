/**
 * Review S2: a checkpoint is resumed only by a run on the same data. A version trained again under
 * the same name on another corpus used to "resume" the first corpus's finished checkpoint: 0 steps
 * run, the first corpus's weights saved under the second's name. The truths: a run on corpus B
 * after one on corpus A ends with the weights of a run on B that never saw a checkpoint, having run
 * every step; a resumed run is told where it resumed and ends as an uninterrupted one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCancelled } from '../../../electron/engine/errors';
import { useBackend } from '../../../electron/engine/metric/backend';
import { checkpointFile } from '../../../electron/engine/train/checkpoint';
import { trainDualEncoder, type CheckpointEvent, type TrainProgress, type TrainResult } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData, TINY } from './synthetic';

const root = mkdtempSync(join(tmpdir(), 'nd-ckpt-data-'));
beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const corpusA = syntheticTrainingData({ seed: 5 });
const corpusB = syntheticTrainingData({ seed: 6 });
const CONFIG = { ...TINY, steps: 20, evalEvery: 5, seed: 3 };
const flat = (r: TrainResult): number[] => (['video', 'audio'] as const).flatMap((side) => Object.keys(r.weights[side]).sort().flatMap((k) => Array.from(r.weights[side][k].data)));

async function run(data: typeof corpusA, checkpointDir?: string, signal?: AbortSignal, stopAt?: () => void) {
  const events: TrainProgress[] = [];
  const said: CheckpointEvent[] = [];
  const result = await trainDualEncoder(data, CONFIG, {
    ...(checkpointDir ? { checkpointDir, dataSource: `corpus ${data.manifest.seed}`, onCheckpoint: (e: CheckpointEvent) => said.push(e) } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (p) => {
      events.push(p);
      if (p.step === 7) stopAt?.();
    },
  });
  return { result, events, said };
}

describe('checkpoints and the data they were trained on', () => {
  it('a finished run on corpus A is not resumed by a run on corpus B: B runs every step and ends as B alone does', async () => {
    const dir = join(root, 'finished');
    const onlyB = (await run(corpusB)).result;
    const a = await run(corpusA, dir);
    expect(a.said).toEqual([]);
    const b = await run(corpusB, dir);
    expect(b.said).toEqual([{ startedOver: `the checkpoint in ${dir} is not resumed: it was trained on other data (corpus 5)`, steps: 20 }]);
    expect(b.events[0].step).toBe(1);
    expect(b.result.stepsRun).toBe(20);
    expect(b.result.resumedAt).toBeNull();
    expect(flat(b.result)).toEqual(flat(onlyB));
    expect(flat(b.result)).not.toEqual(flat(a.result));
  });

  it('a run of A stopped at step 7 is not continued on B, and is continued on A, saying where', async () => {
    const dir = join(root, 'stopped');
    const whole = (await run(corpusA)).result;
    const controller = new AbortController();
    const err = await run(corpusA, dir, controller.signal, () => controller.abort()).catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect((err as Error).message).toBe('training cancelled at step 7 of 20; its checkpoint is kept');
    expect((JSON.parse(readFileSync(checkpointFile(dir), 'utf8')) as { step: number }).step).toBe(7);

    // B with its own folder copy of A's stopped run: starts over.
    const dirB = join(root, 'stopped-b');
    rmSync(dirB, { recursive: true, force: true });
    const { cpSync } = await import('node:fs');
    cpSync(dir, dirB, { recursive: true });
    const b = await run(corpusB, dirB);
    expect(b.events[0].step).toBe(1);
    expect('startedOver' in b.said[0]).toBe(true);

    // A again: resumes at 7, says so, and ends with the uninterrupted run's weights.
    const resumed = await run(corpusA, dir);
    expect(resumed.said).toEqual([{ resumed: { step: 7, steps: 20 } }]);
    expect(resumed.events[0].step).toBe(8);
    expect(resumed.result.resumedAt).toBe(7);
    expect(flat(resumed.result)).toEqual(flat(whole));
  });

  it('a fine-tune from another parent (warm start) does not resume the first parent’s checkpoint', async () => {
    const dir = join(root, 'parents');
    const parent1 = (await run(corpusA)).result.weights;
    const parent2 = (await run(corpusB)).result.weights;
    const controller = new AbortController();
    const stop = (p: TrainProgress) => p.step === 7 && controller.abort();
    await trainDualEncoder(corpusA, CONFIG, { initialWeights: parent1, checkpointDir: dir, signal: controller.signal, onProgress: stop }).catch(() => undefined);
    const said: CheckpointEvent[] = [];
    const first: number[] = [];
    await trainDualEncoder(corpusA, CONFIG, { initialWeights: parent2, checkpointDir: dir, onCheckpoint: (e) => said.push(e), onProgress: (p) => first.push(p.step) });
    expect(first[0]).toBe(1);
    expect(said).toEqual([{ startedOver: `the checkpoint in ${dir} is not resumed: it was trained on other data`, steps: 20 }]);
  });
});
