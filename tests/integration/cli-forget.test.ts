/**
 * Review R26 through the real CLI process: `needledrop index --forget DIR` drops the catalogued
 * tracks under DIR (not those of a sibling sharing its name prefix), which no scan of other
 * folders ever removes. Review R3.9: a track another library folder still reaches through a link
 * stays, moved to the link's path with its id and playlist places, and the dry run says so.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { needledropWithEnv, type CliResult } from '../helpers/cli';
import { sine, tempDir } from '../helpers/media';

describe('needledrop index --forget', () => {
  let dir = '';
  let home = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  const paths = (): string[] => {
    const db = openCatalog(join(home, 'catalog.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT f.path FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path').all() as Array<{ path: string }>).map((r) => r.path);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-forget-'));
    home = join(dir, 'home');
    mkdirSync(home);
    for (const d of ['a', 'ab']) mkdirSync(join(dir, 'lib', d), { recursive: true });
  });
  afterAll(() => cleanup());

  it('drops the tracks under the folder and keeps the sibling’s', async () => {
    const a = [await sine(join(dir, 'lib', 'a'), { seconds: 3, freq: 330, name: 'x.wav' }), await sine(join(dir, 'lib', 'a'), { seconds: 3, freq: 440, name: 'y.wav' })];
    const ab = [await sine(join(dir, 'lib', 'ab'), { seconds: 3, freq: 550, name: 'x.wav' })];
    const indexed = await cli('index', join(dir, 'lib', 'a'), join(dir, 'lib', 'ab'), '--jobs', '1');
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(paths()).toEqual([...a, ...ab].sort());

    // Review R33: without --yes it says what would go and changes nothing (a parent folder would take everything).
    const asked = await cli('index', '--forget', dir, '--json');
    expect(asked.code).toBe(1);
    expect(JSON.parse(asked.stdout)).toEqual({ wouldForget: [{ folder: dir, tracks: 3, kept: 0, keptUnder: [], moved: [] }], catalogTracks: 3 });
    expect(asked.stderr).toContain(`index: --forget ${dir} would drop 3 tracks (the whole catalog), with their places in saved playlists and their feedback; nothing was changed: add --yes to drop them`);
    expect(paths()).toEqual([...a, ...ab].sort());

    const r = await cli('index', '--forget', join(dir, 'lib', 'a'), '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ forgotten: [{ folder: join(dir, 'lib', 'a'), dropped: 2, kept: 0, moved: [] }] });
    expect(paths()).toEqual(ab);

    const plain = await cli('index', '--forget', join(dir, 'lib', 'ab'), '--yes');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toBe(`index: forgot ${join(dir, 'lib', 'ab')}: 1 track dropped with their playlist items and feedback\n`);
    expect(paths()).toEqual([]);
  }, 180_000);

  // Review R1.18: a subfolder of a library folder read 'would drop 0 tracks' without why, and invited --yes (which did nothing).
  it('a subfolder of a library folder: says its tracks stay and why, and does not invite --yes', async () => {
    const lib = join(dir, 'lib2');
    const nested = join(lib, 'nested');
    mkdirSync(nested, { recursive: true });
    const top = await sine(lib, { seconds: 3, freq: 330, name: 'top.wav' });
    const inside = [await sine(nested, { seconds: 3, freq: 440, name: 'x.wav' }), await sine(nested, { seconds: 3, freq: 550, name: 'y.wav' })];
    const indexed = await cli('index', lib, '--jobs', '1');
    expect(indexed.code, indexed.stderr).toBe(0);
    const before = paths();
    expect(before).toEqual(expect.arrayContaining([top, ...inside]));

    const asked = await cli('index', '--forget', nested);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toBe(
      `index: --forget ${nested} would drop no track: its 2 tracks stay: they are under the library folder ${lib} (a scan would add them back); ` +
        `to leave them out, move them or forget ${lib}; nothing was changed\n`,
    );
    expect(asked.stderr).not.toContain('--yes');
    const json = await cli('index', '--forget', nested, '--json');
    expect(JSON.parse(json.stdout)).toEqual({ wouldForget: [{ folder: nested, tracks: 0, kept: 2, keptUnder: [lib], moved: [] }], catalogTracks: before.length });
    expect(paths()).toEqual(before);
  }, 180_000);

  // Review R3.9: since the real path wins over a link (ba4a109), forgetting the real file's folder dropped the
  // track although another library folder links to it, with its playlist places; the dry run did not say so.
  it('keeps a track another library folder reaches through a link: moved to the link with its id and playlist place', async () => {
    const home3 = join(dir, 'home3');
    const a = join(dir, 'r39', 'A');
    const b = join(dir, 'r39', 'B');
    for (const d of [home3, a, b]) mkdirSync(d, { recursive: true });
    const run = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home3 }, ...args);
    const rows = (query: string): Array<Record<string, unknown>> => {
      const db = openCatalog(join(home3, 'catalog.sqlite'), { readonly: true });
      try {
        return db.prepare(query).all() as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
    };
    const tracks = (): Array<Record<string, unknown>> => rows('SELECT t.id, f.path FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path');
    const real = await sine(a, { seconds: 6, freq: 330, name: 'real.wav' });
    const other = await sine(a, { seconds: 6, freq: 660, name: 'other.wav' });
    const link = join(b, 'link.wav');
    symlinkSync(real, link);
    // As the review did: the link's folder first, then the real file's, to which the track moves.
    for (const folder of [b, a]) {
      const r = await run('index', folder, '--jobs', '1');
      expect(r.code, r.stderr).toBe(0);
    }
    const before = tracks();
    expect(before.map((t) => t.path)).toEqual([other, real]);
    const realId = before.find((t) => t.path === real)!.id;
    // Seeded by the other track, the playlist holds the one that stays (a seed is not among its own tracks).
    const saved = await run('playlist', '--seed', other, '--length', '2');
    expect(saved.code, saved.stderr).toBe(0);
    const items = (): unknown[] => rows('SELECT track_id FROM playlist_items ORDER BY playlist_id, position').map((r) => r.track_id);
    expect(items()).toContain(realId);

    const asked = await run('index', '--forget', a);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toBe(
      `index: --forget ${a} would drop 1 track of the catalog's 2, with their places in saved playlists and their feedback; ` +
        `1 track stays: ${real} is also ${link}, in another library folder: its track moves there with its playlist places and feedback; ` +
        'nothing was changed: add --yes to drop them\n',
    );
    const json = await run('index', '--forget', a, '--json');
    expect(JSON.parse(json.stdout)).toEqual({ wouldForget: [{ folder: a, tracks: 1, kept: 0, keptUnder: [], moved: [{ path: real, to: link }] }], catalogTracks: 2 });
    expect(tracks()).toEqual(before);

    const done = await run('index', '--forget', a, '--yes', '--json');
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toEqual({ forgotten: [{ folder: a, dropped: 1, kept: 0, moved: [{ path: real, to: link }] }] });
    expect(tracks()).toEqual([{ id: realId, path: link }]);
    expect(items()).toContain(realId);
    // The link's folder scanned again finds its track as it is: nothing analysed anew.
    const again = await run('index', b, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ indexed: 0, unchanged: 1 });
    expect(tracks()).toEqual([{ id: realId, path: link }]);
  }, 240_000);

  // Review R2.3: a mistyped folder (no library folder, no catalogued track under it) "succeeded": exit 0, "0 tracks dropped".
  it('refuses a folder that is no library folder and holds no catalogued track, naming it and the library folders', async () => {
    const lib = join(dir, 'r23');
    mkdirSync(lib);
    await sine(lib, { seconds: 3, freq: 330, name: 'kept.wav' });
    const indexed = await cli('index', lib, '--jobs', '1');
    expect(indexed.code, indexed.stderr).toBe(0);
    const before = paths();
    const folders = (JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { libraryFolders: string[] }).libraryFolders;
    expect(folders).toContain(lib);
    const typo = join(dir, 'r23-typo');
    // Also an existing folder that holds only uncatalogued files.
    const stranger = join(dir, 'stranger');
    mkdirSync(stranger);
    await sine(stranger, { seconds: 3, freq: 440, name: 'new.wav' });
    for (const target of [typo, stranger]) {
      for (const extra of [[], ['--yes']]) {
        const r = await cli('index', '--forget', target, ...extra);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toBe(`needledrop index: ${target} is not one of the library folders and no catalogued track is under it (the library folders are ${folders.join(', ')}): nothing was changed\n`);
      }
    }
    // One stranger among good folders: nothing is dropped at all.
    const mixed = await cli('index', '--forget', lib, typo, '--yes');
    expect(mixed.code).toBe(1);
    expect(paths()).toEqual(before);
    expect((JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { libraryFolders: string[] }).libraryFolders).toEqual(folders);
  }, 180_000);

  it('is a usage error without a folder or with scan options', async () => {
    for (const args of [['--forget'], ['--forget', dir, '--jobs', '2'], [dir, '--yes']]) {
      const r = await cli('index', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^needledrop index: (give at least one folder to forget|--forget drops tracks and scans nothing|--yes confirms --forget)/);
    }
  });
});
