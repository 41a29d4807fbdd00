/**
 * Two fronts on one data folder write settings.json (review R2.1): the app (here an engine built as
 * `needledrop serve` builds it: confined, staying open, watching) and the real CLI's `index DIR`,
 * which makes DIR a library folder. The open app kept the settings it read at start: it never
 * listed the new folder, and its next settings write put its stale copy back, so the folder was lost.
 * Truths: the folder the CLI was given, and settings.json as read from disk.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../electron/contract/types';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { needledropWithEnv } from '../../helpers/cli';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const tmp = mkdtempSync(join(tmpdir(), 'nd-settings-fronts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Resolves when `n` settings events have come, fails after a minute. */
async function settingsEvents(events: EngineEvent[], n: number, what: string): Promise<void> {
  const count = (): number => events.filter((e) => e.type === 'changed' && e.what === 'settings').length;
  for (let waited = 0; count() < n; waited += 100) {
    if (waited > 60_000) throw new Error(what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const onDisk = (home: string): { libraryFolders: string[]; jobs: number } => JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { libraryFolders: string[]; jobs: number };

describe.skipIf(!media)('settings written by the app and the CLI on one data folder', () => {
  it("a folder the CLI's index adds while the app is open is listed by the app and survives its next settings change", async () => {
    const home = join(tmp, 'home');
    const mine = join(tmp, 'added-in-app');
    const music = join(tmp, 'indexed-by-cli');
    mkdirSync(mine, { recursive: true });
    mkdirSync(music, { recursive: true });
    copyFileSync(join(media ?? '', 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(music, 'a.ogg'));

    const app = new Engine(contextFromEnv({}, { dataDir: home, confined: true, watch: true }));
    const events: EngineEvent[] = [];
    app.subscribe((e) => events.push(e));
    try {
      // The app has its settings: one folder added in Library.
      expect(await app.call('library.addFolder', { path: mine })).toEqual([mine]);
      const before = events.filter((e) => e.type === 'changed' && e.what === 'settings').length;

      const cli = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', music);
      expect(cli.code, cli.stderr).toBe(0);
      expect(onDisk(home).libraryFolders).toEqual([mine, music]);

      // The open app hears of it without being asked (its Library screen reloads its folders on this event).
      await settingsEvents(events, before + 1, 'the open engine never announced the settings the CLI changed');
      expect(await app.call('library.folders')).toEqual([mine, music]);
      // The Settings screen's engine.info too.
      expect((await app.call('engine.info')).libraryFolders).toEqual([mine, music]);

      // The app's next settings write keeps the CLI's folder (Settings → Workers).
      expect(await app.call('settings.set', { jobs: 1 })).toMatchObject({ jobs: 1 });
      expect(onDisk(home)).toMatchObject({ jobs: 1, libraryFolders: [mine, music] });

      // And the CLI's forget, then the app's next write: the folder stays gone (the app writes nothing stale back).
      const forgot = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', '--forget', music, '--yes');
      expect(forgot.code, forgot.stderr).toBe(0);
      expect(onDisk(home).libraryFolders).toEqual([mine]);
      expect(await app.call('settings.set', { watch: false })).toMatchObject({ watch: false, jobs: 1 });
      expect(onDisk(home)).toMatchObject({ jobs: 1, watch: false, libraryFolders: [mine] });
      expect(await app.call('library.folders')).toEqual([mine]);
    } finally {
      await app.close();
    }
  }, 180_000);

  it('an open engine still follows the file after another open engine of the process closed', async () => {
    const home = join(tmp, 'home-two-open');
    const folder = join(tmp, 'added-by-a-third');
    mkdirSync(folder, { recursive: true });
    const open = (): Engine => new Engine(contextFromEnv({}, { dataDir: home, confined: true, watch: true }));
    const app = open();
    const events: EngineEvent[] = [];
    app.subscribe((e) => events.push(e));
    try {
      expect(await app.call('library.folders')).toEqual([]);
      await open().close();
      const cli = new Engine(contextFromEnv({}, { dataDir: home }));
      await cli.call('library.addFolder', { path: folder });
      await cli.close();
      await settingsEvents(events, 1, 'the open engine stopped following settings.json when another engine closed');
      expect(await app.call('library.folders')).toEqual([folder]);
    } finally {
      await app.close();
    }
  }, 120_000);
});
