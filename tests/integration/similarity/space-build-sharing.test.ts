/**
 * MusicSpaceCache with its builds on a worker thread (forced here on a small real SQLite catalog):
 * requests that arrive while a build is under way share it; a clear() (the tracks changed) during
 * a build hands its result to the requests already waiting but keeps none of it; what the worker
 * builds equals what the calling thread builds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { MusicSpaceCache } from '../../../electron/engine/service/music-space';
import { albumTrack } from './album-tracks';

let dir: string;
let db: Catalog;
let lib: Library;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-space-sharing-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  for (let a = 0; a < 3; a++)
    for (let t = 0; t < 6; t++) {
      saveAnalysis(db, {
        file: { path: `/lib/album${a}/t${t}.ogg`, size: 1000 + t, mtimeMs: 1, hash: `hash-${a}-${t}` },
        info: { title: `t${t}`, artist: null, album: null, duration: 60 },
        summary: {},
        features: albumTrack(a, t, 40),
        segments: { modelVersion: 'test', set: { starts: Float32Array.of(0), data: Float32Array.of(1, 0), dim: 2 } },
      });
    }
  lib = loadLibrary(db, 'test');
});
afterAll(async () => {
  await lib.release();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MusicSpaceCache builds on a worker thread', () => {
  it('two requests during one build share it: one profile, one re-ranking, the same rows', async () => {
    const cache = new MusicSpaceCache({ offThread: true });
    const [a, b] = await Promise.all([cache.descriptorStats(lib, dir, 'diffusion'), cache.descriptorStats(lib, dir, 'diffusion')]);
    expect(a).toBe(b);
    expect(cache.reads.stats).toBe(1);
    expect(cache.reranks).toBe(1);
    // Another kind waits for the same profile and re-ranks it once.
    const [c, d] = await Promise.all([cache.descriptorStats(lib, dir, 'neighbours'), cache.descriptorStats(lib, dir, 'neighbours')]);
    expect(c).toBe(d);
    expect(cache.reads.stats).toBe(1);
    expect(cache.reranks).toBe(2);
    const here = new MusicSpaceCache({ offThread: false });
    expect([...(await here.descriptorStats(lib, dir, 'diffusion')).data]).toEqual([...a.data]);
    expect([...(await here.descriptorStats(lib, dir, 'neighbours')).data]).toEqual([...c.data]);
  }, 120_000);

  it('a clear() during a build: the waiting request gets the rows, the cache keeps nothing', async () => {
    const cache = new MusicSpaceCache({ offThread: true });
    const pending = cache.descriptorStats(lib, dir, 'diffusion');
    cache.clear();
    const rows = await pending;
    expect(rows.trackIds).toHaveLength(18);
    expect(cache.reads.stats).toBe(0);
    expect(cache.reranks).toBe(0);
    // The next request builds again, and this time it is kept.
    const again = await cache.descriptorStats(lib, dir, 'diffusion');
    expect([...again.data]).toEqual([...rows.data]);
    expect(cache.reads.stats).toBe(1);
    expect(await cache.descriptorStats(lib, dir, 'diffusion')).toBe(again);
    expect(cache.reads.stats).toBe(1);
  }, 120_000);
});
