/**
 * Review S12.12: `index` of a folder holding directories named x.mp4 and dir.ogg said "2 files that
 * are not audio ignored" (they are folders, and their contents are scanned). The real CLI on a real
 * folder: folders are counted as folders, by what happened to them; files as files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../../helpers/cli';
import { sine, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-ignored-folders-');
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('index: what it ignored', () => {
  it('counts folders named like audio files and hidden folders apart from files that are not audio', async () => {
    const lib = join(tmp.dir, 'lib');
    // Two folders named like media files, one holding a real track (scanned: it is indexed).
    mkdirSync(join(lib, 'x.mp4'), { recursive: true });
    mkdirSync(join(lib, 'dir.ogg'));
    await sine(join(lib, 'dir.ogg'), { seconds: 6, freq: 440, name: 'inside.wav' });
    mkdirSync(join(lib, '.hidden'));
    writeFileSync(join(lib, 'notes.txt'), 'not audio\n');
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(tmp.dir, 'home') }, 'index', lib, '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^index: 1 indexed,/m);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim());
    expect(lines).toEqual(['2 folders named like audio files: scanned as folders', '1 hidden folder not scanned', '1 file that is not audio ignored']);
  }, 120_000);
});
