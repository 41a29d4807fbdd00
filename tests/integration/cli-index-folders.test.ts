/**
 * `needledrop index DIR` makes DIR one of the app's library folders, as Add folder + Scan does
 * (review T1): after the README's CLI session the app flagged every track "outside library" and
 * watched nothing. Only for the data folder's own catalog, and not for a folder inside one listed.
 * Truth: the app engine's own view of the same data folder (its library folders, the tracks it calls outside).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine } from '../../electron/engine/service';
import { needledropWithEnv } from '../helpers/cli';
import { sharedMediaDir } from '../helpers/media';

const media = await sharedMediaDir();
const tmp = mkdtempSync(join(tmpdir(), 'nd-index-folders-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function appView(home: string): Promise<{ folders: string[]; outside: number; tracks: number }> {
  const engine = new Engine(contextFromEnv({}, { dataDir: home }));
  try {
    const info = await engine.call('engine.info');
    const all = await engine.call('tracks.list', {});
    const outside = await engine.call('tracks.list', { outside: true });
    return { folders: info.libraryFolders, outside: outside.total, tracks: all.total };
  } finally {
    await engine.close();
  }
}

describe.skipIf(!media)('index DIR and the library folders', () => {
  it('the indexed folder becomes a library folder once; a --db elsewhere and a subfolder change nothing', async () => {
    const home = join(tmp, 'home');
    const music = join(tmp, 'music');
    mkdirSync(join(music, 'sub'), { recursive: true });
    copyFileSync(join(media ?? '', 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(music, 'a.ogg'));
    copyFileSync(join(media ?? '', 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(music, 'sub', 'b.ogg'));
    const env = { NEEDLEDROP_HOME: home };

    const first = await needledropWithEnv(env, 'index', music);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`index: ${music} is now one of the app's library folders`);
    expect(await appView(home)).toEqual({ folders: [music], outside: 0, tracks: 2 });

    const again = await needledropWithEnv(env, 'index', music, '--json');
    expect(again.stderr).not.toContain('library folders');
    expect((JSON.parse(again.stdout) as { libraryFoldersAdded: string[] }).libraryFoldersAdded).toEqual([]);
    expect((await needledropWithEnv(env, 'index', join(music, 'sub'))).stderr).not.toContain('library folders');

    const other = join(tmp, 'other.sqlite');
    const elsewhere = await needledropWithEnv(env, 'index', join(tmp, 'music'), '--db', other);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stderr).not.toContain('library folders');
    expect((await appView(home)).folders).toEqual([music]);

    // Forgetting a folder that holds a library folder takes that folder's tracks and unlists it: kept, its
    // next scan would only bring them back (the sibling-root rule keeps tracks of folders beside it, not inside).
    const forgot = await needledropWithEnv(env, 'index', '--forget', tmp, '--yes', '--json');
    expect(forgot.code, forgot.stderr).toBe(0);
    expect(JSON.parse(forgot.stdout)).toEqual({ forgotten: [{ folder: tmp, dropped: 2, kept: 0, moved: [] }] });
    expect(await appView(home)).toEqual({ folders: [], outside: 0, tracks: 0 });
  }, 120_000);

  it('the same folder through a symbolic link is one library folder, and what it cannot index is listed once (review R1.12)', async () => {
    const home = join(tmp, 'home-link');
    const lib = join(tmp, 'lib');
    const link = join(tmp, 'liblink');
    mkdirSync(join(lib, 'sub'), { recursive: true });
    copyFileSync(join(media ?? '', 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(lib, 'a.ogg'));
    writeFileSync(join(lib, 'text.flac'), 'not audio\n');
    symlinkSync('/nonexistent/x.ogg', join(lib, 'sub', 'dangling.ogg'));
    symlinkSync(lib, link);

    // The reviewer's order: the link first, then the folder itself.
    const run = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', link, `${lib}/`, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { failed: Array<{ path: string }>; libraryFoldersAdded: string[] };
    // Two broken files, each once, under the folder's real path (it was 4: each under both names).
    expect(report.failed.map((f) => f.path).sort()).toEqual([join(lib, 'sub', 'dangling.ogg'), join(lib, 'text.flac')]);
    expect(report.libraryFoldersAdded).toEqual([lib]);
    expect(await appView(home)).toEqual({ folders: [lib], outside: 0, tracks: 1 });

    // The app's Add folder: the link, and a folder inside through the link, are said to be in the library already.
    const engine = new Engine(contextFromEnv({}, { dataDir: home }));
    try {
      await expect(engine.call('library.addFolder', { path: link })).rejects.toMatchObject({ code: 'exists', message: `${link} is already in the library as ${lib} (the same folder through a symbolic link)` });
      await expect(engine.call('library.addFolder', { path: join(link, 'sub') })).rejects.toMatchObject({ code: 'exists', message: expect.stringContaining(`is inside ${lib}, already a library folder`) });
      expect(await engine.call('library.addFolder', { path: lib })).toEqual([lib]);
    } finally {
      await engine.close();
    }
    const text = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', link);
    expect(text.stderr).toContain(`index: ${link} is already in the library as ${lib} (the same folder through a symbolic link)`);
    expect((await appView(home)).folders).toEqual([lib]);
  }, 180_000);
});
