/**
 * The app's two engine processes number their jobs apart (a prefix per process): both counted from
 * "job-1", so the router's job list, merged by id, hid the training process's job behind the main
 * process's job of the same id. Real engines behind the real router.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { EngineEvent } from '../../../electron/contract/types';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { routeEngines, type RoutedEngine } from '../../../electron/main/engine-router';
import { routedSide } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-router-ids-'));
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

const TINY = { pairs: 1, seed: 3, clipSeconds: 0.5, trackSeconds: 0.5, jobs: 1 };

function side(name: string, jobPrefix?: string): RoutedEngine {
  const engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, name), ...(jobPrefix ? { jobPrefix } : {}) }));
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return routedSide(engine, events);
}

describe('job ids behind the router', () => {
  it("lists a job of each process, neither hidden by the other's id", async () => {
    // As main.ts spawns them: the screens' engine with the default prefix, the training engine with its own.
    const main = side('main');
    const training = side('training', 'training-job');
    const api = routeEngines(main, training);
    // 'corpus' runs in the training process, a scan in main.
    await runJob(api, 'corpus', { ...TINY, out: join(tmp, 'corpus') });
    await runJob(api, 'library.scan', { folders: [tmp] });
    const live = (await api.call('jobs.list')).filter((j) => !j.id.startsWith('catalog-'));
    expect(live.map((j) => j.op).sort()).toEqual(['corpus', 'library.scan']);
    expect(new Set(live.map((j) => j.id)).size).toBe(2);
    expect(live.find((j) => j.op === 'corpus')?.id).toMatch(/^training-job-\d+$/);
    expect(live.find((j) => j.op === 'library.scan')?.id).toMatch(/^job-\d+$/);
  }, 60_000);
});
