/**
 * The music space's re-ranking is a progress phase of its own (review R7.3): it was counted as one
 * unit after the library's tracks (10,001 units for 10,000 tracks), so a playlist's progress sat at
 * "Reading vectors: 9999/10001 … ETA 0:00" for the 3–4 minutes the re-ranking ran. Now the build
 * tells the tracks profiled (`vectors`, ending at its track count) and then the re-ranking's steps
 * (`rerank`: each row's neighbour list, block by block, then for diffusion each row of the
 * embedding), rising from 0 to their total. (The worker thread sends the same reports: SpaceProgress
 * carries the phase; its start costs ~20 s under load here, so it is not started again for this.)
 *
 * Real rows: seeded unit rows for rerankProfile; a real SQLite catalog of generated albums
 * (album-tracks.ts) for the engine's job and the worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ProgressEvent } from '../../../electron/contract/types';
import { phaseName } from '../../../electron/contract/wording';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { rerankOptions, rerankProfile } from '../../../electron/engine/similarity/profile';
import { rng, unitRows } from '../../unit/search/synthetic';
import { albumDataFolder } from '../similarity/album-tracks';

/** Counts that start at 0, never fall, keep one total and end at it. */
function expectRising(counts: Array<[done: number, total: number]>, total: number): void {
  expect(counts[0]).toEqual([0, total]);
  expect(counts.at(-1)).toEqual([total, total]);
  for (const [i, [done, t]] of counts.entries()) {
    expect(t).toBe(total);
    if (i > 0) expect(done).toBeGreaterThanOrEqual(counts[i - 1][0]);
  }
}

describe('rerankProfile tells its steps', () => {
  it('DBA: each block of rows with its neighbour lists (1,100 rows: 512, 1024, 1100), the rows unchanged by listening', () => {
    const n = 1100;
    const rows = unitRows(rng(3), n, 8);
    const seen: Array<[number, number]> = [];
    const told = rerankProfile({ data: rows, dim: 8 }, rerankOptions('neighbours'), (done, total) => seen.push([done, total]));
    expectRising(seen, n);
    expect(seen.map(([d]) => d)).toEqual([0, 512, 1024, 1100]);
    expect([...told.data]).toEqual([...rerankProfile({ data: rows, dim: 8 }, rerankOptions('neighbours')).data]);
  });

  it('diffusion: the neighbour lists, then each row of the embedding (2n steps)', () => {
    const n = 60;
    const rows = unitRows(rng(4), n, 8);
    const seen: Array<[number, number]> = [];
    const told = rerankProfile({ data: rows, dim: 8 }, rerankOptions('diffusion'), (done, total) => seen.push([done, total]));
    expectRising(seen, 2 * n);
    // Past the lists one step per row.
    expect(seen.filter(([d]) => d > n)).toHaveLength(n);
    expect([...told.data]).toEqual([...rerankProfile({ data: rows, dim: 8 }, rerankOptions('diffusion')).data]);
  });
});

describe('a playlist build shows the re-ranking as its own phase', () => {
  const ALBUMS = 3;
  const PER_ALBUM = 6;
  const N = ALBUMS * PER_ALBUM;
  let root: string;
  let data: string;
  let db: Catalog;
  let lib: Library;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nd-rerank-phase-'));
    data = albumDataFolder(root, { albums: ALBUMS, perAlbum: PER_ALBUM, seed: 11 }).data;
    db = openCatalog(join(data, 'catalog.sqlite'));
    lib = loadLibrary(db, 'base');
  });

  afterAll(async () => {
    await lib?.release();
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the job: vectors ends at its tracks, then rerank rises from 0 to its total, then the picks; named for the fronts', { timeout: 60_000 }, async () => {
    const engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
    const events: ProgressEvent[] = [];
    try {
      const playlist = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [1], length: 6 }, { onProgress: (p) => events.push(p) });
      expect(playlist.tracks).toHaveLength(6);
    } finally {
      await engine.close();
    }
    const order = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(order.slice(0, 3)).toEqual(['vectors', 'rerank', 'pick']);
    expect(events.filter((e) => e.phase === 'vectors').at(-1)).toMatchObject({ done: N, total: N, eta: 0 });
    const rerank = events.filter((e) => e.phase === 'rerank');
    expectRising(rerank.map((e) => [e.done, e.total]), N);
    expect(rerank.at(-1)).toMatchObject({ eta: 0 });
    expect(phaseName('rerank')).toBe('Re-ranking the music space');
  });
});
