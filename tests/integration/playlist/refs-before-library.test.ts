/**
 * A track the user names (`similar`'s query, a playlist's seeds and ends) is looked up in the
 * catalog before the library is opened (review R7.2): a typo'd path used to build the on-disk
 * segment index first (2.3M segments: 30 s) and a playlist's seed to profile the whole library,
 * and only then say "not in the catalog". Observed through what that work leaves on disk: the
 * segment index folder beside the catalog and the music space's profile cache, and through the
 * job's progress (no `vectors` phase). The errors name the path and what is there.
 *
 * Real SQLite catalog of generated albums (album-tracks.ts) with 128-d mood segments, searched
 * from the on-disk index (the engine's threshold lowered to 0 segments), files on disk.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { RequestOf } from '../../../electron/contract/operations';
import type { ProgressEvent } from '../../../electron/contract/types';
import { segmentIndexRoot } from '../../../electron/engine/app/library';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { musicSpaceDir } from '../../../electron/engine/service/music-space';
import { PROFILE_CACHE_FILE } from '../../../electron/engine/similarity/profile-cache';
import { albumDataFolder } from '../similarity/album-tracks';

const ALBUMS = 2;
const PER_ALBUM = 4;

let root: string;
let data: string;
let music: string;
let engine: Engine;
const indexDir = (): string => segmentIndexRoot(join(data, 'catalog.sqlite'));
const profileCache = (): string => join(musicSpaceDir(data), PROFILE_CACHE_FILE);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-refs-first-'));
  ({ data, music } = albumDataFolder(root, { albums: ALBUMS, perAlbum: PER_ALBUM, seed: 5 }));
  // Beside the catalogued files: an audio file never indexed, a video and a text file.
  writeFileSync(join(music, 'album0', 'new.flac'), '');
  writeFileSync(join(music, 'album0', 'clip.mp4'), '');
  writeFileSync(join(music, 'album0', 'notes.txt'), '');
  engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1, diskIndexAbove: 0 }));
});

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a track not in the catalog is refused before the library is opened', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['a path with no file', () => join(music, 'album0', 't9.ogg'), /: not in the catalog, and no file is there \(no such file/],
    ['a folder', () => join(music, 'album0'), /: not in the catalog: a folder, not a track/],
    ['a video', () => join(music, 'album0', 'clip.mp4'), /: not in the catalog: named like a video \(\.mp4\); a clip is matched against the library/],
    ['an audio file never indexed', () => join(music, 'album0', 'new.flac'), /: not in the catalog: index its folder first/],
    ['a file not named like audio', () => join(music, 'album0', 'notes.txt'), /: not in the catalog, and not named like an audio file \(\.txt\)/],
  ];

  it.each(cases)('similar: %s, named with its cause; no segment index built', async (_what, path, cause) => {
    await expect(engine.call('similar', { track: path(), top: 3 })).rejects.toMatchObject({ code: 'not-found', file: path(), message: expect.stringMatching(cause) });
    expect(existsSync(indexDir())).toBe(false);
  });

  it('similar: a track id the catalog does not have', async () => {
    await expect(engine.call('similar', { track: 999, top: 3 })).rejects.toMatchObject({ code: 'not-found', message: '999: not in the catalog (give a catalogued path or a track id)' });
    expect(existsSync(indexDir())).toBe(false);
  });

  it('playlist: an unknown seed or path end fails the job with no vectors phase and no music space built', { timeout: 60_000 }, async () => {
    const typo = join(music, 'album1', 't1.ogg.ogg');
    const reqs: Array<RequestOf<'playlist.build'>> = [
      { kind: 'more-like', seeds: [1, typo], length: 4 },
      { kind: 'mood-path', from: 1, to: typo, length: 4 },
    ];
    for (const req of reqs) {
      const phases: ProgressEvent[] = [];
      await expect(runJob(engine, 'playlist.build', req, { onProgress: (p) => phases.push(p) })).rejects.toMatchObject({ code: 'not-found', file: typo });
      expect(phases).toEqual([]);
      expect(existsSync(profileCache())).toBe(false);
      expect(existsSync(indexDir())).toBe(false);
    }
  });

  // The app's engine (confined) reads only the library folders: what is at a path outside them is not described.
  it('a confined front: an unknown path outside the library folders is refused as such, not described', async () => {
    const app = new Engine(contextFromEnv({}, { dataDir: data, threads: 1, confined: true }));
    try {
      const refused = await app.call('similar', { track: join(music, 'album0'), top: 3 }).then(
        () => null,
        (err: unknown) => err as { code: string; message: string },
      );
      expect(refused?.code).toBe('forbidden-path');
      expect(refused?.message).not.toMatch(/not in the catalog/);
      // A catalogued track is still found by its path (its file under no library folder now: review R24 keeps it).
      await expect(app.call('similar', { track: 999, top: 3 })).rejects.toMatchObject({ code: 'not-found' });
    } finally {
      await app.close();
    }
    expect(existsSync(indexDir())).toBe(false);
  });

  // What the observations above would have seen: a good request builds both.
  it('a catalogued track builds them: the index for similar, the profile for a playlist', { timeout: 60_000 }, async () => {
    expect((await engine.call('similar', { track: join(music, 'album0', 't0.ogg'), top: 3 })).length).toBe(3);
    expect(existsSync(indexDir())).toBe(true);
    const playlist = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [join(music, 'album1', 't1.ogg')], length: 4 });
    expect(playlist.tracks).toHaveLength(4);
    expect(existsSync(profileCache())).toBe(true);
  });
});
