/**
 * The track profiles are kept on disk (similarity/profile-cache.ts, review R7.1): a new process
 * (a fresh MusicSpaceCache, as each CLI command has) profiles only the tracks whose features
 * changed, and what it builds equals a build from the stored features alone (trackVectors, which
 * reads no cache). Seen through the build's progress, whose first report says how many tracks
 * were already profiled. Real SQLite catalog, stored synthetic features (album-tracks.ts).
 * Settings lists it with the other caches (cache.info) and Clear removes it; its notes go to the
 * engine's log, on a worker thread too, never straight to stderr (a --json consumer reads that).
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { putFeatures } from '../../../electron/engine/catalog/features';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { MusicSpaceCache, musicSpaceDir } from '../../../electron/engine/service/music-space';
import { catalogProfile } from '../../../electron/engine/similarity/catalog-profile';
import { PROFILE_CACHE_FILE } from '../../../electron/engine/similarity/profile-cache';
import { trackVectors } from '../../../electron/engine/similarity/space';
import { albumTrack, placeAlbumFile, saveAlbumTrack } from './album-tracks';

const ALBUMS = 2;
const PER_ALBUM = 4;
const N = ALBUMS * PER_ALBUM;
let dir: string;
let db: Catalog;
let lib: Library;
const ids: number[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-profile-cache-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  const root = join(dir, 'lib');
  for (let a = 0; a < ALBUMS; a++)
    for (let t = 0; t < PER_ALBUM; t++) {
      placeAlbumFile(root, a, t);
      ids.push(saveAlbumTrack(db, a, t, { modelVersion: 'test', data: Float32Array.of(1, 0), dim: 2 }, root));
    }
  lib = loadLibrary(db, 'test');
});
afterAll(async () => {
  await lib.release();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The profile built as a new process would, with its progress reports; its notes go to `log`. */
async function build(log?: (message: string) => void): Promise<{ data: Float32Array; progress: Array<[number, number]> }> {
  const progress: Array<[number, number]> = [];
  const v = await catalogProfile(db, musicSpaceDir(dir), { onProgress: (done, total) => progress.push([done, total]), ...(log ? { log } : {}) });
  return { data: v.data, progress };
}

/** The profile from the stored features alone (no cache is read). */
const truth = async (): Promise<Float32Array> => (await trackVectors(db, { kind: 'descriptor-stats', productionDir: musicSpaceDir(dir), rerank: 'none' })).data;

it('a second build profiles no track again, and a changed track alone; the rows equal a build from the features', async () => {
  const first = await build();
  expect(first.progress[0]).toEqual([0, N]);
  expect(first.progress).toHaveLength(N + 1);
  expect(first.data).toEqual(await truth());

  const second = await build();
  expect(second.progress).toEqual([[N, N]]);
  expect(second.data).toEqual(first.data);

  // Track 3 re-indexed with other features (a shorter recording): its row alone is profiled again.
  putFeatures(db, ids[3], 'audio', albumTrack(0, 3, 90));
  const third = await build();
  expect(third.progress).toEqual([
    [N - 1, N],
    [N, N],
  ]);
  const scratch = await truth();
  expect(third.data).toEqual(scratch);
  expect(third.data).not.toEqual(first.data);
});

it("a new process's playlist space reads the cache and equals the space built from scratch", async () => {
  const units: Array<[number, number]> = [];
  const cached = await new MusicSpaceCache().descriptorStats(lib, dir, 'neighbours', { onProgress: (d, t) => units.push([d, t]) });
  // N tracks already profiled (the re-ranking is a phase of its own).
  expect(units[0]).toEqual([N, N]);
  rmSync(join(musicSpaceDir(dir), PROFILE_CACHE_FILE));
  const scratchUnits: Array<[number, number]> = [];
  const scratch = await new MusicSpaceCache().descriptorStats(lib, dir, 'neighbours', { onProgress: (d, t) => scratchUnits.push([d, t]) });
  expect(scratchUnits[0]).toEqual([0, N]);
  expect(cached.data).toEqual(scratch.data);
  expect(cached.trackIds).toEqual(scratch.trackIds);
});

/** What `body` writes to stderr (caught, not shown) about the profile cache. */
async function stderrAbout<T>(body: () => Promise<T>): Promise<{ value: T; lines: string[] }> {
  const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const value = await body();
    return { value, lines: said.mock.calls.map((c) => String(c[0])).filter((l) => l.includes(PROFILE_CACHE_FILE)) };
  } finally {
    said.mockRestore();
  }
}

const corruptCache = (): void => writeFileSync(join(musicSpaceDir(dir), PROFILE_CACHE_FILE), 'needledrop.profile-cache\n\x05\x00\x00\x00{"ver');
const UNREADABLE = /profile-cache\.bin: unreadable track profile cache \(.+\): profiling again and rewriting it$/;

it("a corrupt cache file is noted to the build's log (not stderr), ignored and written again", async () => {
  await build();
  corruptCache();
  const log: string[] = [];
  const { value: rebuilt, lines } = await stderrAbout(() => build((m) => log.push(m)));
  expect(log).toEqual([expect.stringMatching(UNREADABLE)]);
  expect(lines).toEqual([]);
  expect(rebuilt.progress[0]).toEqual([0, N]);
  expect(rebuilt.data).toEqual(await truth());
  expect((await build()).progress).toEqual([[N, N]]);
});

it("a build on a worker thread sends its note to the music space's log", async () => {
  corruptCache();
  const log: string[] = [];
  const { value: space, lines } = await stderrAbout(() => new MusicSpaceCache({ offThread: true }, (m) => log.push(m)).descriptorStats(lib, dir, 'neighbours'));
  expect(log).toEqual([expect.stringMatching(UNREADABLE)]);
  expect(lines).toEqual([]);
  expect(space.trackIds).toHaveLength(N);
  expect((await build()).progress).toEqual([[N, N]]);
}, 60_000);

it('Settings lists the profile cache with its size; Clear removes it, and the next build writes it again with the same vectors', async () => {
  const before = await build();
  const file = join(musicSpaceDir(dir), PROFILE_CACHE_FILE);
  const bytes = statSync(file).size;
  const engine = new Engine(contextFromEnv({}, { dataDir: dir }));
  try {
    const entry = async () => (await engine.call('cache.info')).find((c) => c.name === 'profile-cache');
    expect(await entry()).toMatchObject({ path: file, bytes, files: 1, clearable: true });
    const after = (await engine.call('cache.clear', { name: 'profile-cache' })).find((c) => c.name === 'profile-cache');
    expect(after).toMatchObject({ bytes: 0, files: 0 });
    expect(existsSync(file)).toBe(false);
    // Only its own file: the folder's other caches (production signatures, the learned vectors) are not touched.
    expect(existsSync(musicSpaceDir(dir))).toBe(true);
    const rebuilt = await build();
    expect(rebuilt.progress[0]).toEqual([0, N]);
    expect(rebuilt.data).toEqual(before.data);
    expect(await entry()).toMatchObject({ bytes, files: 1 });
  } finally {
    await engine.close();
  }
});
