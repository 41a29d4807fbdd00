/**
 * A re-embed stopped by a restart of the engine (serve or the app's engine process) ended
 * silently: the Train screen's "Re-embedding the library" line went and nothing said why, and with
 * watching off the new engine never took it up again, so the library stayed part-embedded for the
 * active model (Match ranked what had been re-embedded). Now the window says it as it says any job
 * a restart stopped (renderer/lib/job-ends.ts: "stopped: the engine restarted — run it again"), and
 * the new engine resumes it at open. Real engines on one data folder, real tones indexed, a second
 * real model version; the truths are the catalog's segments per version, counted by SQL.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { EngineEvent, JobEndEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { JOB_LOST, lostJobEnds, stoppedByRestart } from '../../../renderer/lib/job-ends';
import { sine } from '../../helpers/media';
import { randomVersion } from '../../helpers/model-versions';

const root = mkdtempSync(join(tmpdir(), 'nd-reembed-restart-'));
const music = join(root, 'music');
const dataDir = join(root, 'home');
const TRACKS = 3;
const ctx = contextFromEnv({}, { dataDir, threads: 1, watch: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An app-like engine (it stays open: `watch`, as the app's engine and serve are) on the data folder. */
function appEngine(): { engine: Engine; events: EngineEvent[] } {
  const engine = new Engine(ctx);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}

/** Tracks with segments under `version`, from the catalog itself. */
function embedded(version: string): number {
  const db = openCatalog(ctx.catalogPath);
  try {
    return (db.prepare('SELECT COUNT(DISTINCT track_id) AS n FROM segments WHERE model_version = ?').get(version) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The window's view of the jobs it heard of (renderer/lib/engine.svelte.ts keeps these fields). */
type View = { id: string; op: string; state: string; error?: JobEndEvent['error'] };

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  for (let k = 0; k < TRACKS; k++) await sine(music, { seconds: 12, freq: 220 * (k + 2), name: `tone-${k}.wav` });
  await randomVersion(dataDir, 'alt', { seed: 11, data: 're-embed restart test' });
}, 120_000);

describe('a re-embed stopped by a restart of the engine', () => {
  it('is said as stopped by the restart, and the new engine resumes it: every track embedded for the active version', async () => {
    const first = appEngine();
    const views: View[] = [];
    try {
      // Watching off: no opening scan in the next engine to re-embed the library as a side effect.
      await first.engine.call('settings.set', { watch: false });
      await first.engine.call('library.addFolder', { path: music });
      await runJob(first.engine, 'library.scan', {});
      // Activation starts the re-embed in the background (the app's engine does): the window hears its progress.
      await first.engine.call('models.activate', { version: 'alt' });
      const progress = await new Promise<EngineEvent>((done) => {
        const look = (): void => {
          const e = first.events.find((x) => x.type === 'progress' && x.phase === 'embedding');
          if (e) done(e);
          else setImmediate(look);
        };
        look();
      });
      views.push({ id: (progress as { jobId: string }).jobId, op: 'library.reembed', state: 'running' });
    } finally {
      // The restart: the window hears nothing more from this engine (serve closes its sockets first).
      await first.engine.close();
    }
    // Part-embedded: the close cancelled it between tracks (each is committed on its own).
    expect(embedded('base')).toBe(TRACKS);
    expect(embedded('alt')).toBeLessThan(TRACKS);

    // The window learns the engine is a new one and ends what it ran, as for any job; the screen says it.
    for (const e of lostJobEnds(views, null)) Object.assign(views.find((v) => v.id === e.jobId)!, { state: e.state, error: e.error });
    expect(stoppedByRestart(views, 'library.reembed')).toBe(JOB_LOST);

    const second = appEngine();
    try {
      const resumed = await new Promise<JobEndEvent>((done, fail) => {
        const t0 = Date.now();
        const look = (): void => {
          const e = second.events.find((x): x is JobEndEvent => x.type === 'job-end');
          if (e) done(e);
          else if (Date.now() - t0 > 60_000) fail(new Error('no job ended in the new engine within 60 s'));
          else setTimeout(look, 20);
        };
        look();
      });
      const live = (await second.engine.call('jobs.list')).find((j) => j.id === resumed.jobId);
      expect(live?.op).toBe('library.reembed');
      expect(resumed).toMatchObject({ state: 'done', result: { model: 'alt', tracks: TRACKS } });
      expect(embedded('alt')).toBe(TRACKS);
      // The resumed job is the latest of its kind: nothing stopped is said any more.
      views.push({ id: resumed.jobId, op: 'library.reembed', state: resumed.state });
      expect(stoppedByRestart(views, 'library.reembed')).toBeUndefined();
    } finally {
      await second.engine.close();
    }
  }, 240_000);
});
