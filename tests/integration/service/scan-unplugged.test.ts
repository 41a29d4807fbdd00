/**
 * A library folder that is not there (an unplugged drive) no longer fails the whole scan: the
 * other folders are scanned, its tracks are kept and counted unavailable (and marked so in the
 * table), and the report names it.
 * With no folder there at all the scan still refuses, naming the folder. Truths: the files made
 * here and the folder renamed away by the test.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { withEngine } from '../../helpers/engine';
import { musicLike } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-scan-unplugged-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('library.scan with a library folder unplugged', () => {
  it('scans the folders that are there, keeps the missing one’s tracks and says so; with none there it refuses', async () => {
    const home = join(tmp, 'home');
    const here = join(tmp, 'here');
    const drive = join(tmp, 'drive');
    for (const d of [here, drive]) mkdirSync(d, { recursive: true });
    await musicLike(here, { seconds: 12, bpm: 110, name: 'a.wav' });
    const onDrive = await musicLike(drive, { seconds: 12, bpm: 90, name: 'b.wav' });
    await withEngine(home, { confined: false }, async (engine) => {
      for (const f of [here, drive]) await engine.call('library.addFolder', { path: f });
      const first = await runJob(engine, 'library.scan', {});
      // Every folder there: nothing said about absent ones (it once said ': not found …' with none absent).
      expect(first).toMatchObject({ indexed: 2, unavailable: 0 });
      expect(first.note ?? '').not.toContain('not found');

      renameSync(drive, `${drive}-away`);
      await musicLike(here, { seconds: 12, bpm: 130, name: 'c.wav' });
      const report = await runJob(engine, 'library.scan', {});
      expect(report).toMatchObject({ indexed: 1, unchanged: 1, removed: 0, unavailable: 1 });
      expect(report.note).toContain(`${drive}: not found (an unplugged drive?): not scanned, 1 track kept as it is.`);
      const { tracks } = await engine.call('tracks.list', { limit: 10 });
      expect(tracks.map((t) => t.path).sort()).toEqual([join(here, 'a.wav'), join(here, 'c.wav'), onDrive].sort());
      // The table says which one is not there now.
      expect(tracks.filter((t) => t.unavailable).map((t) => t.path)).toEqual([onDrive]);

      renameSync(here, `${here}-away`);
      await expect(runJob(engine, 'library.scan', {})).rejects.toMatchObject({ message: expect.stringMatching(/folder not found/) });
      expect((await engine.call('tracks.list', { limit: 10 })).total).toBe(3);
    });
  }, 300_000);
});
