/**
 * The music space of a large library is built on a worker thread: while the first `similar` of
 * a 1,500-track catalog (real SQLite, generated albums) builds the profile and its diffusion
 * re-ranking, the engine keeps answering quick calls; and what the worker builds is what the
 * calling thread builds.
 *
 * Order, not time: the test counts quick calls answered before `similar` answers. A build on the
 * engine's thread lets them in only at its few awaits (with OFF_THREAD_MIN_TRACKS
 * raised above the library's size, a planted regression, 1 was); on a worker they run all along.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CuratedTrack } from '../../../electron/contract/types';
import { loadLibrary } from '../../../electron/engine/app/library';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { MusicSpaceCache, similarCombined } from '../../../electron/engine/service/music-space';
import { OFF_THREAD_MIN_TRACKS } from '../../../electron/engine/similarity/off-thread';
import { DIFFUSION_MAX_TRACKS } from '../../../electron/engine/similarity/diffusion';
import { albumTrack, placeAlbumFile } from './album-tracks';

const ALBUMS = 15;
const PER_ALBUM = 100;
const MOOD_DIM = 8;
const tmp = mkdtempSync(join(tmpdir(), 'nd-off-thread-'));
const ctx = contextFromEnv({}, { dataDir: join(tmp, 'data'), confined: true });
let firstId = 0;

beforeAll(() => {
  const db = openCatalog(ctx.catalogPath);
  db.transaction(() => {
    for (let a = 0; a < ALBUMS; a++)
      for (let t = 0; t < PER_ALBUM; t++) {
        const mood = new Float32Array(MOOD_DIM);
        mood[(a + t) % MOOD_DIM] = 1;
        const { trackId } = saveAnalysis(db, {
          file: { path: placeAlbumFile(join(tmp, 'lib'), a, t), size: 1000 + t, mtimeMs: 1, hash: `hash-${a}-${t}` },
          info: { title: `a${a} t${t}`, artist: null, album: null, duration: 60 },
          summary: {},
          features: albumTrack(a, t, 24),
          segments: { modelVersion: 'base', set: { starts: Float32Array.of(0), data: mood, dim: MOOD_DIM } },
        });
        if (firstId === 0) firstId = trackId;
      }
  })();
  db.close();
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the music space of a large library', () => {
  let engineList: CuratedTrack[] = [];

  it('is built off the engine thread: quick calls answer while the first similar builds it', async () => {
    expect(ALBUMS * PER_ALBUM).toBeGreaterThanOrEqual(OFF_THREAD_MIN_TRACKS);
    expect(ALBUMS * PER_ALBUM).toBeLessThanOrEqual(DIFFUSION_MAX_TRACKS);
    const engine = new Engine(ctx);
    try {
      let answered = false;
      const similar = engine.call('similar', { track: firstId, top: 10, space: 'combined' }).finally(() => (answered = true));
      let quick = 0;
      while (!answered) {
        const page = await engine.call('tracks.list', { limit: 5 });
        expect(page.total).toBe(ALBUMS * PER_ALBUM);
        await engine.call('settings.get');
        quick++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      engineList = await similar;
      expect(quick).toBeGreaterThan(20);
      expect(engineList).toHaveLength(10);
    } finally {
      await engine.close();
    }
  }, 300_000);

  it('hands out what the calling thread builds: the same list and scores', async () => {
    expect(engineList).toHaveLength(10);
    const db = openCatalog(ctx.catalogPath);
    const lib = loadLibrary(db, 'base');
    try {
      const here = await similarCombined(lib, ctx.dataDir, new MusicSpaceCache({ offThread: false }), firstId, 10);
      expect(here.map((e) => [e.track.id, e.score])).toEqual(engineList.map((e) => [e.track.id, e.score]));
      // Album mates first (generator labels: track ids run album by album from firstId).
      const albumOf = (id: number): number => Math.floor((id - firstId) / PER_ALBUM);
      expect(here.filter((e) => albumOf(e.track.id) === 0).length).toBeGreaterThanOrEqual(9);
    } finally {
      await lib.release();
      db.close();
    }
  }, 300_000);
});
