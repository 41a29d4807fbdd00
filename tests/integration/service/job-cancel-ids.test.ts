/**
 * Review S12.11: `cancel` of a job id that does not exist answered ok. An id the engine never gave
 * is now refused (not-found); a job that has already ended is left as it ended (the cancel came
 * late, e.g. the button pressed as the job finished). In the app two engine processes sit behind one
 * router, and a training job that just ended is owned by neither side: its late cancel must still
 * be taken as late, not refused. Real engines, real jobs (a tiny corpus).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { routeEngines } from '../../../electron/main/engine-router';
import { routedSide, withEngine } from '../../helpers/engine';
import { jobEndOf } from '../../helpers/job-end';

const tmp = mkdtempSync(join(tmpdir(), 'nd-cancel-ids-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TINY = { pairs: 1, seed: 3, clipSeconds: 0.5, trackSeconds: 0.5, jobs: 1 };
const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof EngineError ? `${err.code}: ${err.message}` : `not an EngineError: ${String(err)}`;
  }
};

describe('cancel by job id', () => {
  it('refuses an id the engine never gave, and takes a cancel of an ended job as late', async () => {
    await withEngine(join(tmp, 'one'), { confined: false }, async (engine, events) => {
      expect(await refusal(engine.cancel('job-999'))).toBe('not-found: no job with id "job-999"');
      expect(await refusal(engine.cancel('nonsense'))).toBe('not-found: no job with id "nonsense"');
      const { jobId } = await engine.start('corpus', { ...TINY, out: join(tmp, 'c1') });
      expect((await jobEndOf(events, jobId)).state).toBe('done');
      expect(await refusal(engine.cancel(jobId))).toBe('ok');
      expect((await engine.call('jobs.list')).find((j) => j.id === jobId)?.state).toBe('done');
    });
  }, 60_000);

  it('through the router of the two engine processes: a training job just ended is cancelled late, an unknown id is refused', async () => {
    await withEngine(join(tmp, 'main'), { confined: false }, async (main, mainEvents) => {
      await withEngine(join(tmp, 'training'), { confined: false }, async (training, trainingEvents) => {
        const api = routeEngines(routedSide(main, mainEvents), routedSide(training, trainingEvents));
        const { jobId } = await api.start('corpus', { ...TINY, out: join(tmp, 'c2') });
        expect((await jobEndOf(trainingEvents, jobId)).state).toBe('done');
        // The main process gave no job of that id; the training process ended it.
        expect(mainEvents.filter((e) => e.type !== 'changed')).toEqual([]);
        expect(await refusal(api.cancel(jobId))).toBe('ok');
        expect(await refusal(api.cancel('job-77'))).toBe('not-found: no job with id "job-77"');
      });
    });
  }, 60_000);
});
