/**
 * A job whose end the window never heard (review S19: after serve or the engine restarted while a
 * ranking ran, "Matching 0/1 … Cancel" stayed for good). The window's view of its jobs is checked
 * against real Engines: the one that ran the job (a reconnect: it says which jobs it still runs
 * and how the others ended) and a new one on the same data folder (a restart: it never ran them,
 * and gives ids from job-1 again, for other jobs).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { JobEndEvent } from '../../../electron/contract/types';
import { JOB_LOST, lostJobEnds, withLocalEvents } from '../../../renderer/lib/job-ends';
import { readable } from '../../../renderer/lib/errors';
import { withEngine } from '../../helpers/engine';

const root = mkdtempSync(join(tmpdir(), 'nd-job-ends-'));
const data = join(root, 'data');
const folder = join(root, 'music');
mkdirSync(folder);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('jobs whose end the window did not hear', () => {
  it('a reconnect ends those the engine no longer runs, as they ended; a new engine knows none of them', async () => {
    // What the window holds as running: ids and operations from the engine that started them.
    let running: { id: string; op: string }[] = [];
    await withEngine(data, { confined: false }, async (engine, events) => {
      let done = '';
      await runJob(engine, 'library.scan', { folders: [folder] }, { onStart: (id) => (done = id) });
      const { jobId: cancelled } = await engine.start('library.scan', { folders: [folder] });
      await engine.cancel(cancelled);
      while (!events.some((e) => e.type === 'job-end' && e.jobId === cancelled)) await new Promise((r) => setTimeout(r, 20));
      const { jobId: live } = await engine.start('library.scan', { folders: [folder] });
      // Asked as a reconnect asks, while `live` still runs (its run starts on the next tick).
      const listed = await engine.call('jobs.list');
      running = [done, cancelled, live].map((id) => ({ id, op: 'library.scan' }));
      const states = new Map(listed.map((j) => [j.id, j.state]));
      expect([done, cancelled, live].map((id) => states.get(id))).toEqual(['done', 'cancelled', 'running']);
      const ends = lostJobEnds(running, listed);
      // The ones the engine does not run, each ended as the engine says it ended; the running one left alone.
      expect(ends.map((e) => [e.jobId, e.state, e.error?.code])).toEqual([
        [done, 'failed', 'not-found'],
        [cancelled, 'cancelled', 'cancelled'],
      ]);
      // A job that ended done: its result is not sent again, so it ends here as lost, saying to run it again.
      expect(ends[0].error?.message).toMatch(/^stopped: .*run it again$/);
      while (!events.some((e) => e.type === 'job-end' && e.jobId === live)) await new Promise((r) => setTimeout(r, 20));
    });

    // The engine restarted: a new process on the same data folder.
    await withEngine(data, { confined: false }, async (engine) => {
      // It gives job-1 again, to another operation: not the window's job-1.
      await runJob(engine, 'library.map', {}).catch(() => {});
      const listed = await engine.call('jobs.list');
      expect(listed.some((j) => j.id === running[0].id)).toBe(true);
      const expected: JobEndEvent[] = running.map((j) => ({ type: 'job-end', jobId: j.id, state: 'failed', error: { code: 'not-found', message: JOB_LOST } }));
      expect(lostJobEnds(running, listed)).toEqual(expected);
      // A restart the window cannot ask about (serve's new token): every one of them.
      expect(lostJobEnds(running, null)).toEqual(expected);
    });
  });

  it('the end reaches a runJob waiting for it, and the screen reads it once, with no "Reconnecting"', async () => {
    await withEngine(join(root, 'data-2'), { confined: false }, async (engine) => {
      // Events the engine never sends: the waiting runJob can only end on the window's own.
      const silent = { ...engine, call: engine.call.bind(engine), start: engine.start.bind(engine), cancel: engine.cancel.bind(engine), subscribe: () => () => {} };
      const local = withLocalEvents(silent);
      let id = '';
      const waiting = runJob(local.api, 'library.scan', { folders: [folder] }, { onStart: (j) => (id = j) }).then(
        () => null,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 50));
      for (const e of lostJobEnds([{ id, op: 'library.scan' }], null)) local.emit(e);
      const err = await waiting;
      expect(err).toBeInstanceOf(EngineError);
      expect(readable(err)).toEqual({ title: JOB_LOST, code: 'not-found' });
    });
    // The Electron shell's own end of a job its restarted process dropped reads without a reconnect hint too.
    expect(readable(new EngineError({ code: 'engine-unavailable', message: 'stopped: the engine process was killed; it is being restarted — run it again' })).detail).toBeUndefined();
    expect(readable(new EngineError({ code: 'engine-unavailable', message: 'the engine process was killed; it is being restarted' })).detail).toBe('Reconnecting to the engine…');
  });
});
