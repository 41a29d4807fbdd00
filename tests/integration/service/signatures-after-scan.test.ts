/**
 * The app's engine (the one that watches folders) computes production signatures after a scan,
 * as a background job, so `similar` and the map use them without the user asking; a one-shot
 * engine (the CLI's) does not. Real Engine, ffmpeg, SQLite; the truth is the tracks we put there.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { PRODUCTION_FILE } from '../../../electron/engine/similarity/production';
import { readVectorCache } from '../../../electron/engine/similarity/vector-cache';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { musicSpaceDir } from '../../../electron/engine/service/music-space';
import { makeTwoGroups } from '../explore/fixture';

const tmp = mkdtempSync(join(tmpdir(), 'nd-signatures-'));
const music = join(tmp, 'music');
const engines: Engine[] = [];

function openEngine(name: string, watch: boolean): Engine {
  const e = new Engine(contextFromEnv({}, { dataDir: join(tmp, name), threads: 2, ...(watch ? { watch: { debounceMs: 200, stableMs: 1000 } } : {}) }));
  engines.push(e);
  return e;
}

/** The musicSpace.update jobs the engine ran or runs. */
async function signatureJobs(e: Engine): Promise<Array<{ state: string }>> {
  return (await e.call('jobs.list')).filter((j) => j.op === 'musicSpace.update');
}

/** Signature jobs have run, all ended well, none is running. */
const settled = (e: Engine) => async (): Promise<boolean> => {
  const jobs = await signatureJobs(e);
  return jobs.length > 0 && jobs.every((j) => j.state === 'done');
};

const signatures = async (name: string): Promise<number> => (await readVectorCache(musicSpaceDir(join(tmp, name)), PRODUCTION_FILE))?.vectors.size ?? 0;

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  await makeTwoGroups(music, 2, 6);
}, 120_000);

afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('production signatures after a scan', () => {
  it('the app engine computes one per indexed track in a background job, and again after its cache is cleared', async () => {
    const app = openEngine('app', true);
    await app.call('library.addFolder', { path: music });
    const scanned = await runJob(app, 'library.scan', { jobs: 2 });
    expect(scanned.indexed).toBe(4);
    // (The watcher's first snapshot may start one more scan, and so one more, empty, signature job.)
    await expect.poll(settled(app), { timeout: 120_000, interval: 250 }).toBe(true);
    expect(await signatures('app')).toBe(4);
    const before = (await signatureJobs(app)).length;
    const info = (await app.call('cache.info')).find((c) => c.name === 'production-signatures');
    expect(info?.bytes).toBeGreaterThan(0);

    await app.call('cache.clear', { name: 'production-signatures' });
    expect(await signatures('app')).toBe(0);
    // Nothing new on disk: the scan indexes nothing, but the missing signatures are made again.
    expect((await runJob(app, 'library.scan', {})).indexed).toBe(0);
    await expect.poll(async () => (await signatureJobs(app)).length, { timeout: 120_000, interval: 250 }).toBeGreaterThan(before);
    await expect.poll(settled(app), { timeout: 120_000, interval: 250 }).toBe(true);
    expect(await signatures('app')).toBe(4);
  }, 300_000);

  it('a one-shot engine (no folder watching) leaves them to an explicit update', async () => {
    const cli = openEngine('cli', false);
    await cli.call('library.addFolder', { path: music });
    expect((await runJob(cli, 'library.scan', { jobs: 2 })).indexed).toBe(4);
    expect(await signatureJobs(cli)).toEqual([]);
    const r = await runJob(cli, 'musicSpace.update', { signaturesOnly: true });
    expect(r.detail).toMatch(/4 computed, 0 without one/);
    expect(await signatures('cli')).toBe(4);
  }, 300_000);
});
