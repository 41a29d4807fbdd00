/**
 * The data folder is not music. library.addFolder took the data folder itself, or a folder inside it,
 * as a library folder; and a scan of a folder that holds the data folder catalogued the audio files
 * in it. Now the first two are refused naming both folders, and a folder that holds the data folder
 * is taken but its scan leaves the data folder out, said as a skipped folder. Real engine, one 4 s
 * tone made by ffmpeg in the library and one in the data folder.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ScanReport } from '../../../electron/contract/types';
import { withEngine } from '../../helpers/engine';
import { sine } from '../../helpers/media';

const root = mkdtempSync(join(tmpdir(), 'nd-data-folder-'));
const data = join(root, 'needledrop-data');
let inLibrary = '';
beforeAll(async () => {
  mkdirSync(join(data, 'sub'), { recursive: true });
  inLibrary = await sine(root, { seconds: 4, freq: 440, name: 'tone.wav' });
  await sine(data, { seconds: 4, freq: 660, name: 'kept-here.wav' });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the data folder and library folders', () => {
  it('the data folder or a folder inside it is refused, naming both; a folder holding it is scanned without it', async () => {
    await withEngine(data, { confined: false }, async (engine) => {
      for (const [folder, is] of [[data, 'is'], [join(data, 'sub'), 'is inside']] as const) {
        await expect(engine.call('library.addFolder', { path: folder })).rejects.toMatchObject({
          code: 'bad-input',
          message: `${folder} ${is} Needledrop's data folder ${data}, which holds its catalog, caches and models, not music: choose a music folder`,
        });
      }
      expect(await engine.call('library.folders')).toEqual([]);
      expect(await engine.call('library.addFolder', { path: root })).toEqual([root]);
      const report = (await runJob(engine, 'library.scan', { jobs: 1 })) as ScanReport;
      const tracks = await engine.call('tracks.list', { offset: 0, limit: 10 });
      expect(tracks.tracks.map((t) => t.path)).toEqual([inLibrary]);
      expect(report.ignored).toContainEqual({ path: data, reason: "Needledrop's data folder (its catalog, caches and models), not scanned" });
    });
  }, 120_000);
});
