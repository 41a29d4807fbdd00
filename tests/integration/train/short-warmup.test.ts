/**
 * Review S18: the warm-up was a fixed 100 steps whatever --steps was, so `train --steps 40 --lr X`
 * trained at 0.01–0.4 × X, rising to its last step, and never decayed. Now a run shorter than 1000
 * steps warms up over a tenth of it. The truths: the learning rate of every step of a real 40-step
 * run on a real corpus (its progress, unthrottled through a local job) reaches the --lr asked and
 * then falls; and the shipped base's recorded config (models/base/model.json) is what the rule
 * gives for its step count, so it trains as recorded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localJob } from '../../../electron/engine/service/jobs';
import { trainOnCorpus } from '../../../electron/engine/service/training';
import { defaultWarmup } from '../../../electron/engine/train/trainer';
import { REPO_ROOT } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let corpus: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-short-warmup-');
  corpus = join(tmp.dir, 'c12');
  await tinyCorpus(corpus, 9);
}, 120_000);
afterAll(async () => {
  await tmp.cleanup();
});

describe('the warm-up of a short training run', () => {
  it('a 40-step run reaches the --lr it was given and decays after it', async () => {
    const lr = new Map<number, number>();
    const job = localJob(new AbortController().signal, (phase, done, _total, metrics) => {
      if (phase === 'train' && metrics?.lr !== undefined) lr.set(done, metrics.lr);
    });
    const home = join(tmp.dir, 'home');
    const dirs = { userModelsDir: join(home, 'models'), checkpointsDir: join(home, 'checkpoints'), registry: { env: { NEEDLEDROP_HOME: home } } };
    const peak = 1e-3;
    const r = await trainOnCorpus({ corpus, version: 'w40', steps: 40, lr: peak }, dirs, job);
    expect(r.stepsRun).toBe(40);
    expect([...lr.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const rates = [...lr.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    const top = Math.max(...rates);
    expect(top).toBeCloseTo(peak, 12);
    const at = rates.indexOf(top);
    expect(at).toBeLessThan(20); // warm-up is a small share of the run
    for (let i = at + 1; i < rates.length; i++) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1]);
    expect(rates[rates.length - 1]).toBeLessThan(0.1 * peak);
    const saved = JSON.parse(readFileSync(join(home, 'models', 'w40', 'model.json'), 'utf8')) as { training: { config: { warmup: number; steps: number } } };
    expect(saved.training.config.warmup).toBeLessThan(saved.training.config.steps);
  }, 180_000);

  const basePath = join(REPO_ROOT, 'models/base/model.json');
  it.skipIf(!existsSync(basePath))('the shipped base, and any run of 1000 steps or more, keeps its recorded warm-up', () => {
    const base = JSON.parse(readFileSync(basePath, 'utf8')) as { training: { config: { warmup: number; steps: number } } };
    expect(base.training.config.steps).toBeGreaterThanOrEqual(1000);
    expect(defaultWarmup(base.training.config.steps)).toBe(base.training.config.warmup);
    for (const steps of [1000, 1500, 5000]) expect(defaultWarmup(steps)).toBe(base.training.config.warmup);
  });
});
