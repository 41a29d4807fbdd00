/**
 * The Explore map's layout runs on a worker thread (map/layout-thread.ts), not on the engine's:
 * umap-js's initializeFit is one synchronous block (~58 % of a 2,000-row layout, session 22's
 * measure), during which an engine laying out on its own thread answered no call.
 *
 * Truths: the in-thread layout of the same rows (the worker must give it bit for bit); the
 * engine thread's own timer (a setInterval whose longest gap during the layout is measured
 * against the layout's duration: a ratio, not a time, as the machine is shared); the map-cache
 * folder on disk. The catalog is generated (album-tracks.ts: stored features, 8-d mood segments,
 * real SQLite), 2,000 tracks so the fit runs at its MAX_FIT size.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackMap } from '../../../electron/contract/types';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { isCancelled } from '../../../electron/engine/errors';
import { layoutVectors, MAX_FIT, UMAP_FROM } from '../../../electron/engine/map/layout';
import { layoutInWorker } from '../../../electron/engine/map/layout-thread';
import type { JobHandle } from '../../../electron/engine/service/jobs';
import { mapCacheDir, trackMap } from '../../../electron/engine/service/map';
import { MusicSpaceCache } from '../../../electron/engine/service/music-space';
import { createRng } from '../../../electron/engine/util/prng';
import { albumTrack } from '../similarity/album-tracks';

const ALBUMS = 20;
const PER_ALBUM = 100;
const N = ALBUMS * PER_ALBUM;
const MOOD_DIM = 8;

/** Unit rows in two groups around two orthogonal directions (a fixed input). */
function twoGroups(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const row = data.subarray(i * dim, (i + 1) * dim);
    for (let d = 0; d < dim; d++) row[d] = 0.15 * (rng.next() * 2 - 1);
    row[i % 2] += 1;
    const norm = Math.hypot(...row);
    for (let d = 0; d < dim; d++) row[d] /= norm;
  }
  return data;
}

describe('the layout on a worker thread', () => {
  it('gives the in-thread layout bit for bit, and the same progress', async () => {
    const data = twoGroups(UMAP_FROM + 20, 16, 2);
    const seen = { here: [] as string[], away: [] as string[] };
    const here = await layoutVectors(data, 16, { seed: 3, onProgress: (p, d, t) => seen.here.push(`${p}:${d}/${t}`) });
    const copy = data.slice();
    const away = await layoutInWorker(data, 16, { seed: 3, onProgress: (p, d, t) => seen.away.push(`${p}:${d}/${t}`) });
    expect(away.method).toBe('UMAP');
    // toEqual compares numbers with Object.is: every coordinate the same double.
    expect(away.points).toEqual(here.points);
    expect(seen.away).toEqual(seen.here);
    // The caller's rows are left whole (a copy moves to the thread).
    expect(data).toEqual(copy);
  }, 120_000);
});

describe(`the map of ${N} tracks`, () => {
  let root: string;
  let dataDir: string;
  let db: Catalog;
  let lib: Library;
  const cache = new MusicSpaceCache({ offThread: false });
  /** The uncancelled layout's duration (first layout progress → map), ms. */
  let layoutMs = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nd-layout-thread-'));
    dataDir = join(root, 'data');
    db = openCatalog(join(root, 'catalog.sqlite'));
    db.transaction(() => {
      for (let a = 0; a < ALBUMS; a++)
        for (let t = 0; t < PER_ALBUM; t++) {
          const mood = new Float32Array(MOOD_DIM);
          mood[(a + t) % MOOD_DIM] = 1;
          mood[a % MOOD_DIM] += 0.5;
          saveAnalysis(db, {
            file: { path: `/lib/album${a}/t${t}.ogg`, size: 1000 + t, mtimeMs: 1, hash: `hash-${a}-${t}` },
            info: { title: `a${a} t${t}`, artist: null, album: null, duration: 60 },
            summary: {},
            features: albumTrack(a, t, 8),
            segments: { modelVersion: 'base', set: { starts: Float32Array.of(0), data: mood, dim: MOOD_DIM } },
          });
        }
    })();
    lib = loadLibrary(db, 'base');
  }, 120_000);

  afterAll(async () => {
    await lib?.release();
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A job handle as the engine's runner gives one; `onLayout` hears the first progress of the layout's phases. */
  function job(ctl: AbortController, onLayout: () => void): JobHandle {
    let heard = false;
    return {
      id: 'job-test',
      signal: ctl.signal,
      progress: (phase) => {
        if (heard || (phase !== 'umap' && phase !== 'place')) return;
        heard = true;
        onLayout();
      },
    };
  }

  it('keeps the engine thread turning while the layout runs', async () => {
    expect(N).toBeGreaterThanOrEqual(MAX_FIT);
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    let start = 0;
    let map: TrackMap;
    try {
      map = await trackMap(lib, dataDir, cache, job(new AbortController(), () => (start = performance.now())));
    } finally {
      clearInterval(timer);
    }
    const end = performance.now();
    expect(map.method).toBe('UMAP');
    expect(map.points).toHaveLength(N);
    expect(start).toBeGreaterThan(0);
    layoutMs = end - start;
    const during = [start, ...ticks.filter((t) => t > start && t < end), end];
    const maxGap = Math.max(...during.slice(1).map((t, i) => t - during[i]));
    // On the engine's thread initializeFit alone held it for over half the layout (0.6 measured here).
    expect(during.length - 2).toBeGreaterThan(20);
    expect(maxGap / layoutMs).toBeLessThan(0.25);
    expect(readdirSync(mapCacheDir(dataDir))).toHaveLength(1);
  }, 300_000);

  it('stops at once when cancelled during the layout, and caches nothing', async () => {
    expect(layoutMs).toBeGreaterThan(0);
    rmSync(mapCacheDir(dataDir), { recursive: true, force: true });
    const ctl = new AbortController();
    let cancelledAt = 0;
    // Cancelled as the layout starts: before umap-js's initializeFit.
    const err = await trackMap(lib, dataDir, cache, job(ctl, () => ((cancelledAt = performance.now()), ctl.abort()))).then(
      () => null,
      (e: unknown) => e,
    );
    const took = performance.now() - cancelledAt;
    expect(cancelledAt).toBeGreaterThan(0);
    expect(isCancelled(err)).toBe(true);
    // The engine's thread waited for initializeFit before it could see the cancel. And the call
    // returns once the layout's thread has ended: it is terminated inside initializeFit, not left
    // to spend its seconds of CPU (with a 30 s grace, waited for, this ratio read 0.44).
    expect(took / layoutMs).toBeLessThan(0.25);
    expect(existsSync(mapCacheDir(dataDir)) ? readdirSync(mapCacheDir(dataDir)) : []).toEqual([]);
  }, 300_000);
});
