/**
 * Cancel during the `vectors` phase of a first playlist build (session 21, F1). The first build
 * profiles every track of the library (the music space: similarity/catalog-profile.ts) before any
 * pick; it used to run to its end whatever the job's signal said, so Cancel waited for it. Now the
 * build looks at its signal between two tracks, on the engine's thread and on the worker thread
 * alike, says how far it is (each track, then the re-ranking's steps), and a cancelled build keeps nothing:
 * the next one builds from the start and gives what an uninterrupted build gives.
 *
 * Real SQLite catalog of generated albums (album-tracks.ts: stored audio features) with 128-d mood
 * segments, files on disk (empty: curation offers only tracks whose file is there).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { RequestOf } from '../../../electron/contract/operations';
import type { EngineEvent, Playlist, ProgressEvent } from '../../../electron/contract/types';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { MusicSpaceCache, musicSpaceDir } from '../../../electron/engine/service/music-space';
import { PROFILE_CACHE_FILE } from '../../../electron/engine/similarity/profile-cache';
import { trackVectors } from '../../../electron/engine/similarity/space';
import { jobEndOf } from '../../helpers/job-end';
import { albumDataFolder } from '../similarity/album-tracks';

const ALBUMS = 5;
const PER_ALBUM = 8;
const N = ALBUMS * PER_ALBUM;
/** Where a test stops the build: this many tracks profiled. */
const STOP_AT = 3;

let root: string;
let data: string;
let db: Catalog;
let lib: Library;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-cancel-vectors-'));
  const made = albumDataFolder(root, { albums: ALBUMS, perAlbum: PER_ALBUM, seed: 21 });
  data = made.data;
  db = openCatalog(made.catalogPath);
  lib = loadLibrary(db, 'base');
});

afterAll(async () => {
  await lib?.release();
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Build `more-like`'s space, aborting once STOP_AT tracks are profiled; what it reported and how it ended. */
async function cancelledBuild(cache: MusicSpaceCache): Promise<{ error: unknown; done: number[]; total: number }> {
  const ctl = new AbortController();
  const done: number[] = [];
  let total = 0;
  const error = await cache
    .space(lib, data, 'more-like', {
      signal: ctl.signal,
      onProgress: (d, t) => {
        done.push(d);
        total = t;
        if (d === STOP_AT) ctl.abort();
      },
    })
    .then(
      () => null,
      (err: unknown) => err,
    );
  return { error, done, total };
}

describe('a cancel during the music space build (the vectors phase)', () => {
  // The rows every build must give: the profile of the old path (trackVectors, all tracks at once), DBA-re-ranked.
  let truth: Float32Array;
  beforeAll(async () => {
    truth = (await trackVectors(db, { kind: 'descriptor-stats', productionDir: musicSpaceDir(data), rerank: 'neighbours' })).data;
  });
  // Each case is a first build: the profiles an earlier case kept on disk (profile-cache.ts) are forgotten.
  beforeEach(() => rmSync(join(musicSpaceDir(data), PROFILE_CACHE_FILE), { force: true }));

  /** What a cancelled build reported and kept: the profile counts the tracks; nothing after the track it was stopped at. */
  function expectStopped(stopped: Awaited<ReturnType<typeof cancelledBuild>>, cache: MusicSpaceCache): void {
    expect(stopped.error).toMatchObject({ kind: 'cancelled' });
    expect(stopped.total).toBe(N);
    expect(stopped.done[0]).toBe(0);
    expect(Math.max(...stopped.done)).toBe(STOP_AT);
    expect(cache.reads.stats).toBe(0);
    expect(cache.reranks).toBe(0);
  }

  it('on the engine thread: stops between two tracks, keeps nothing, and the next build is whole', { timeout: 60_000 }, async () => {
    const cache = new MusicSpaceCache({ offThread: false });
    expectStopped(await cancelledBuild(cache), cache);
    // The next build starts from the first track and runs to its end: the rows of an uninterrupted build.
    const again: Array<[number, string]> = [];
    const stats = await cache.descriptorStats(lib, data, 'neighbours', { onProgress: (d, _t, phase) => again.push([d, phase]) });
    expect(again[0]).toEqual([0, 'profile']);
    expect(again.at(-1)).toEqual([N, 'rerank']);
    expect(stats.trackIds).toHaveLength(N);
    expect([...stats.data]).toEqual([...truth]);
    expect(cache.reads.stats).toBe(1);
  });

  // One thread start (seconds under load): the next build, the same shared code as above, is not repeated here.
  it('on a worker thread (as from 500 tracks): stops between two tracks and keeps nothing', { timeout: 60_000 }, async () => {
    const cache = new MusicSpaceCache({ offThread: true });
    expectStopped(await cancelledBuild(cache), cache);
  });

  // A temp-track match (app/temp-track.ts) asks for the profile with its own cancel: it used to build on to the end.
  it("a match's profileVectors stops between two tracks on its cancel and keeps nothing", { timeout: 60_000 }, async () => {
    const cache = new MusicSpaceCache({ offThread: false });
    const ctl = new AbortController();
    const done: number[] = [];
    const asked = cache.profileVectors(lib, data, { signal: ctl.signal, onProgress: (d) => (done.push(d), d === STOP_AT && ctl.abort()) });
    await expect(asked).rejects.toMatchObject({ kind: 'cancelled' });
    expect(Math.max(...done)).toBe(STOP_AT);
    expect(cache.reads.stats).toBe(0);
    expect(cache.reranks).toBe(0);
    // Nor on disk: no track profile file (profile-cache.ts) from a cancelled build.
    expect(existsSync(join(musicSpaceDir(data), PROFILE_CACHE_FILE))).toBe(false);
    // Asked again without a cancel: the whole profile, as an uninterrupted build (the rows before re-ranking).
    const whole = await cache.profileVectors(lib, data);
    expect([...whole.data]).toEqual([...(await trackVectors(db, { kind: 'descriptor-stats', productionDir: musicSpaceDir(data), rerank: 'none' })).data]);
    expect(cache.reads.stats).toBe(1);
  });

  it('two requests share a build: one cancelled leaves it to the other, which gets the whole space', { timeout: 60_000 }, async () => {
    const cache = new MusicSpaceCache({ offThread: false });
    const ctl = new AbortController();
    const first = cache.descriptorStats(lib, data, 'neighbours', { signal: ctl.signal, onProgress: (d) => d === STOP_AT && ctl.abort() });
    const second = cache.descriptorStats(lib, data, 'neighbours');
    await expect(first).rejects.toMatchObject({ kind: 'cancelled' });
    expect([...(await second).data]).toEqual([...truth]);
    expect(cache.reads.stats).toBe(1);
  });
});

describe('Cancel of a first playlist build in its vectors phase (the job)', () => {
  const tracksOf = (p: Playlist): Array<[number, number]> => p.tracks.map((t) => [t.track.id, t.score]);
  const req = { kind: 'more-like', seeds: [1, 2 * PER_ALBUM + 3], length: 12 } as const satisfies RequestOf<'playlist.build'>;

  it('ends cancelled inside the phase, with no pick made; the next build equals an uninterrupted one', { timeout: 120_000 }, async () => {
    const events: EngineEvent[] = [];
    const engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
    let rebuilt: Playlist;
    try {
      let jobId = '';
      engine.subscribe((e) => {
        events.push(e);
        // Cancel as the phase begins: the music space of this library has not been built yet.
        if (e.type === 'progress' && e.jobId === jobId && e.phase === 'vectors' && events.filter((x) => x.type === 'progress' && x.jobId === jobId).length === 1) void engine.cancel(jobId);
      });
      jobId = (await engine.start('playlist.build', req)).jobId;
      const end = await jobEndOf(events, jobId);
      expect(end.state).toBe('cancelled');
      const seen = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === jobId);
      expect(seen.map((p) => p.phase)).toEqual(['vectors']);
      // Where it stopped: in the vectors phase, short of its end (the old build ran it to 1 of 1 first).
      const info = (await engine.call('jobs.list')).find((j) => j.id === jobId);
      expect(info?.state).toBe('cancelled');
      expect(info!.done).toBeLessThan(info!.total);

      // Built again in the same engine: now to its end, through every unit of the phase.
      const phases: ProgressEvent[] = [];
      rebuilt = await runJob(engine, 'playlist.build', req, { onProgress: (p) => phases.push(p) });
      expect(phases.filter((p) => p.phase === 'vectors').at(-1)).toMatchObject({ done: N, total: N });
      expect(phases.filter((p) => p.phase === 'rerank').at(-1)).toMatchObject({ done: N, total: N });
      expect(rebuilt.tracks).toHaveLength(12);
    } finally {
      await engine.close();
    }
    // An uninterrupted first build, in an engine that never saw the cancel.
    const fresh = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
    try {
      expect(tracksOf(rebuilt)).toEqual(tracksOf(await runJob(fresh, 'playlist.build', req)));
    } finally {
      await fresh.close();
    }
  });
});
