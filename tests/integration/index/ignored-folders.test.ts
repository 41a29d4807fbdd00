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

  it('--json carries the same counts and each ignored path (review S12.16: they were text only)', async () => {
    const lib = join(tmp.dir, 'lib-json');
    mkdirSync(join(lib, 'x.mp4'), { recursive: true });
    mkdirSync(join(lib, '.hidden'));
    writeFileSync(join(lib, 'notes.txt'), 'not audio\n');
    writeFileSync(join(lib, 'cover.jpg'), 'not a picture either\n');
    await sine(lib, { seconds: 6, freq: 330, name: 'tone.wav' });
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(tmp.dir, 'home-json') }, 'index', lib, '--jobs', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { indexed: number; ignoredCounts: Record<string, number>; ignored: Array<{ path: string; reason: string }>; partial: unknown[] };
    expect(doc.indexed).toBe(1);
    expect(doc.ignoredCounts).toEqual({ alreadyCatalogued: 0, foldersNamedLikeAudio: 1, hiddenFolders: 1, folderLinks: 0, dataFolder: 0, notAudio: 2 });
    // What the folder holds besides the track, made above: each named once.
    expect(doc.ignored.map((i) => i.path).sort()).toEqual([join(lib, '.hidden'), join(lib, 'cover.jpg'), join(lib, 'notes.txt'), join(lib, 'x.mp4')].sort());
    expect(doc.partial).toEqual([]);
  }, 120_000);
});
