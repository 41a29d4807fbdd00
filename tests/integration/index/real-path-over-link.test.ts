/**
 * Review R1.3: a library holding a file and a link to it beside it catalogued the link (the first
 * path by sort) and "ignored" the user's own file, so `similar` / a playlist seeded with the file's
 * real path said "not in the catalog", and a link moved later moved the track. Through the Engine
 * on real files and real links: the file's own path is the track, the link is the alias; either
 * path finds the track (by real path, or by device and inode for a link catalogued elsewhere);
 * renaming the link leaves the track where it is; a catalog that holds the link (made before the
 * fix, planted here by writing the path the old scan stored) moves the track to the real path with
 * its id; a track catalogued under a link from another folder follows to the file's folder when that
 * is scanned. Which path is the file and which the link the test knows because it made them.
 */
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ScanReport } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-real-path-'));
const lib = join(root, 'lib');
const elsewhere = join(root, 'elsewhere');
const SONG = join(lib, 'song with spaces.ogg');
/** Sorts before SONG: the old scan kept it. */
const LINK = join(lib, 'link-to-song.ogg');
const DRUMS = join(lib, 'drums.ogg');
const TRUMPET = join(lib, 'trumpet.ogg');
/** A file outside the library, reached from it by a link only. */
const OUTSIDE = join(elsewhere, 'outside.ogg');
const LINK_OUT = join(lib, 'link-out.ogg');

let engine: Engine;
const scan = (folder: string): Promise<ScanReport> => runJob(engine, 'library.scan', { folders: [folder], jobs: 1 });
const tracks = async (): Promise<Array<{ id: number; path: string }>> =>
  (await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => ({ id: t.id, path: t.path })).sort((a, b) => a.path.localeCompare(b.path));
const idOf = async (path: string): Promise<number | undefined> => (await tracks()).find((t) => t.path === path)?.id;
const aliases = (r: ScanReport): Array<[string, string]> =>
  r.ignored.filter((i) => i.reason.startsWith('the same file as ')).map((i) => [i.path, i.reason.slice('the same file as '.length, i.reason.indexOf(' (another path'))]);
const similarPaths = async (track: string): Promise<string[]> => (await engine.call('similar', { track, top: 10 })).map((t) => t.track.path).sort();

describe.skipIf(!media)('a file and a link to it: the file is the track, the link an alias (R1.3)', () => {
  beforeAll(async () => {
    mkdirSync(lib);
    mkdirSync(elsewhere);
    copyFileSync(join(media!, 'music', '147793__setuniman__sweet-waltz-0i-22mi.ogg'), SONG);
    copyFileSync(join(media!, 'music', 'admiralbob77_-_Choice_-_Drum-bass.ogg'), DRUMS);
    copyFileSync(join(media!, 'music', 'sorohanro_-_solo-trumpet-06.ogg'), TRUMPET);
    copyFileSync(join(media!, 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg'), OUTSIDE);
    symlinkSync(SONG, LINK);
    symlinkSync(OUTSIDE, LINK_OUT);
    engine = new Engine(contextFromEnv({}, { dataDir: join(root, 'data'), threads: 1 }));
  }, 60_000);

  afterAll(async () => {
    await engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the plant: LINK and LINK_OUT are links, the others files', () => {
    expect([LINK, LINK_OUT].map((p) => lstatSync(p).isSymbolicLink())).toEqual([true, true]);
    expect([SONG, DRUMS, TRUMPET, OUTSIDE].map((p) => lstatSync(p).isSymbolicLink())).toEqual([false, false, false, false]);
  });

  it('catalogues the file under its own path and names the link as another path to it', async () => {
    const r = await scan(lib);
    expect(r).toMatchObject({ indexed: 4, failed: [] });
    expect((await tracks()).map((t) => t.path)).toEqual([DRUMS, LINK_OUT, SONG, TRUMPET]);
    expect(aliases(r)).toEqual([[LINK, SONG]]);
  }, 300_000);

  it('similar and a playlist find the track by its real path and by the link', async () => {
    const bySong = await similarPaths(SONG);
    expect(bySong).toEqual([DRUMS, LINK_OUT, TRUMPET]);
    expect(await similarPaths(LINK)).toEqual(bySong);
    const seeded = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [LINK], length: 2 });
    expect(seeded.params.trackIds).toEqual([await idOf(SONG)]);
    // A file catalogued only under a link from the library: its real path finds it too (same device and inode).
    expect(await similarPaths(OUTSIDE)).toEqual(await similarPaths(LINK_OUT));
    expect(await similarPaths(OUTSIDE)).toEqual([DRUMS, SONG, TRUMPET]);
  }, 120_000);

  it('a renamed link leaves the track where it is', async () => {
    const id = await idOf(SONG);
    const renamed = join(lib, 'a renamed link.ogg');
    renameSync(LINK, renamed);
    const r = await scan(lib);
    expect(r).toMatchObject({ indexed: 0, moved: 0, removed: 0, failed: [] });
    expect(await idOf(SONG)).toBe(id);
    expect(aliases(r)).toEqual([[renamed, SONG]]);
    renameSync(renamed, LINK);
  }, 120_000);

  it('a catalog that holds the link (as the old scan stored it) moves the track to the real path, with its id', async () => {
    const id = await idOf(SONG);
    const db = openCatalog(join(root, 'data', 'catalog.sqlite'));
    try {
      db.prepare('UPDATE files SET path = ? WHERE path = ?').run(LINK, SONG);
    } finally {
      db.close();
    }
    expect(await idOf(LINK)).toBe(id);
    const r = await scan(lib);
    expect(r).toMatchObject({ indexed: 0, moved: 1, removed: 0, failed: [] });
    expect(await idOf(SONG)).toBe(id);
    expect(await idOf(LINK)).toBeUndefined();
    expect(aliases(r)).toEqual([[LINK, SONG]]);
  }, 120_000);

  it("a track catalogued under another folder's link follows to the file's own folder when that is scanned", async () => {
    const id = await idOf(LINK_OUT);
    expect(id).toBeDefined();
    const r = await scan(elsewhere);
    expect(r).toMatchObject({ indexed: 0, moved: 1, failed: [] });
    expect(await idOf(OUTSIDE)).toBe(id);
    const again = await scan(lib);
    expect(again).toMatchObject({ indexed: 0, moved: 0, removed: 0 });
    expect(aliases(again).sort()).toEqual([
      [LINK_OUT, OUTSIDE],
      [LINK, SONG],
    ]);
    expect((await tracks()).map((t) => t.path)).toEqual([OUTSIDE, DRUMS, SONG, TRUMPET]);
  }, 120_000);
});
