import { describe, expect, it } from 'vitest';
import type { EngineEvent, JobEndEvent, ProgressEvent } from '../../../electron/contract/types';
import { JobRunner, type JobRecorder } from '../../../electron/engine/service/jobs';

/** A clock the test moves by hand, so rates and ETAs are exact. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const ended = (events: EngineEvent[]): Promise<JobEndEvent> =>
  new Promise((resolve) => {
    const check = (): void => {
      const e = events.find((x): x is JobEndEvent => x.type === 'job-end');
      if (e) resolve(e);
      else setImmediate(check);
    };
    check();
  });

describe('JobRunner', () => {
  it('reports rate and ETA of each phase from its own start, throttles, and always sends the last event', async () => {
    const c = clock();
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e), c.now);
    const id = runner.start('library.scan', async (job) => {
      job.progress('hash', 0, 8);
      c.advance(2000);
      job.progress('hash', 4, 8); // 4 items in 2 s → 2/s, 4 left → ETA 2 s
      c.advance(10);
      job.progress('hash', 5, 8); // within 100 ms of the last: dropped
      c.advance(10);
      job.progress('hash', 8, 8); // final: always sent
      c.advance(500);
      job.progress('analyze', 0, 10); // a new phase restarts the rate
      c.advance(2000);
      job.progress('analyze', 5, 10, { item: '/m/a.ogg' }); // 5 in 2 s → 2.5/s, ETA 2 s
      return { ok: true };
    });
    const end = await ended(events);
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress');
    expect(progress.map((p) => [p.phase, p.done])).toEqual([
      ['hash', 0],
      ['hash', 4],
      ['hash', 8],
      ['analyze', 0],
      ['analyze', 5],
    ]);
    expect(progress[1].rate).toBeCloseTo(2, 9);
    expect(progress[1].eta).toBeCloseTo(2, 9);
    expect(progress[0].eta).toBeNull();
    expect(progress[2]).toMatchObject({ elapsed: 2.02, eta: 0 });
    expect(progress[4]).toMatchObject({ rate: 2.5, eta: 2, item: '/m/a.ogg', jobId: id });
    expect(end).toEqual({ type: 'job-end', jobId: id, state: 'done', result: { ok: true } });
    expect(runner.list()[0]).toMatchObject({ id, op: 'library.scan', state: 'done', done: 5, total: 10 });
  });

  it('gives no rate or ETA from one file (session 17 F1.5): the count and the time elapsed, and a true last line', async () => {
    const c = clock();
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e), c.now);
    runner.start('library.scan', async (job) => {
      c.advance(10);
      job.progress('hash', 1, 1); // the first report of a phase already counts an item: it began when the job did
      c.advance(3000);
      job.progress('analyze', 1, 1); // one file in 3 s, after the hash phase ended
      c.advance(100);
      job.progress('embed', 0, 30);
      c.advance(1000);
      job.progress('embed', 2, 30); // 2 in 1 s: too few, too soon for a rate
      c.advance(1000);
      job.progress('embed', 6, 30); // 6 in 2 s: 3/s, 24 left → ETA 8 s
      return {};
    });
    await ended(events);
    const p = events.filter((e): e is ProgressEvent => e.type === 'progress');
    expect(p.map((e) => [e.phase, e.done, e.rate, e.eta])).toEqual([
      ['hash', 1, 0, 0],
      ['analyze', 1, 0, 0],
      ['embed', 0, 0, null],
      ['embed', 2, 0, null],
      ['embed', 6, 3, 8],
    ]);
    expect(p.map((e) => e.elapsed)).toEqual([0.01, 3, 0, 1, 2]);
  });

  it('cancel aborts the job signal and ends it as cancelled; a failure ends as failed with the error as data', async () => {
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e));
    const id = runner.start('export', (job) => new Promise((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('aborted')))));
    await new Promise((r) => setImmediate(r));
    expect(runner.running).toBe(1);
    runner.cancel(id);
    expect(await ended(events)).toMatchObject({ jobId: id, state: 'cancelled', error: { code: 'cancelled' } });

    const more: EngineEvent[] = [];
    const r2 = new JobRunner((e) => more.push(e));
    r2.start('train', async () => {
      throw new Error('boom');
    });
    expect(await ended(more)).toMatchObject({ state: 'failed', error: { code: 'internal', message: 'internal error: boom' } });
  });

  it('cancelAll waits until running jobs have ended (a closing engine must not leave a scan holding the catalog)', async () => {
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e));
    let released = false;
    runner.start('library.scan', (job) =>
      new Promise((_, reject) => {
        // Winds down a few turns of the event loop after the abort, as a real scan does.
        job.signal.addEventListener('abort', () => setTimeout(() => {
          released = true;
          reject(new Error('cancelled'));
        }, 20));
      }),
    );
    await new Promise((r) => setImmediate(r));
    await runner.cancelAll();
    expect(released).toBe(true);
    expect(runner.list()[0].state).toBe('cancelled');
    await runner.cancelAll(); // nothing running: returns at once
  });

  it('records each job with its final state and counts', async () => {
    const rows: Array<{ row: number; op?: string; state?: string; done?: number; error?: string }> = [];
    const recorder: JobRecorder = {
      start: (op) => (rows.push({ row: rows.length + 1, op }), rows.length),
      finish: (row, state, info, error) => Object.assign(rows[row - 1], { state, done: info.done, ...(error ? { error } : {}) }),
    };
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e), Date.now, recorder);
    runner.start('match', async (job) => {
      job.progress('match', 3, 3);
      throw new Error('no video');
    });
    await ended(events);
    expect(rows).toEqual([{ row: 1, op: 'match', state: 'failed', done: 3, error: 'internal error: no video' }]);
  });

  it('a recorder that cannot start (an unusable catalog) fails the start and leaves no job behind (review R2)', async () => {
    const unusable = new Error('catalog.sqlite: not a usable catalog (file is not a database)');
    const recorder: JobRecorder = {
      start: () => {
        throw unusable;
      },
      finish: () => undefined,
    };
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e), Date.now, recorder);
    let ran = false;
    expect(() => runner.start('match', async () => (ran = true))).toThrow(unusable);
    expect(ran).toBe(false);
    expect(runner.list()).toEqual([]);
    expect(events).toEqual([]);
    // Before the fix the phantom 'running' job held this for 30 s, and a CLI exited silently meanwhile.
    await runner.cancelAll();
  });
});
