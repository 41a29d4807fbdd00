import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

let root: string;
let db: Catalog;

beforeAll(() => {
  root = tempDir('corrupt');
  makeAudio(join(root, 'good1.mp3'), { freq: 300 });
  makeAudio(join(root, 'good2.wav'), { freq: 500 });
  makeAudio(join(root, 'sub', 'good3.ogg'), { noise: true });
  writeFileSync(join(root, 'noise.mp3'), randomBytes(8000));
  writeFileSync(join(root, 'empty.ogg'), '');
  writeFileSync(join(root, 'readme.wav'), 'this is not audio\n'.repeat(50));
  // A real media file with a picture and no sound, under an audio extension.
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-f', 'matroska', join(root, 'silent-video.mka')]);
  db = openCatalog(join(root, 'catalog.sqlite'));
});
afterAll(() => {
  db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

it('skips corrupt files with a reason each and indexes the rest', async () => {
  const r = await indexLibrary(db, [root], { jobs: 2, components: testComponents() });
  expect(r.indexed).toBe(3);
  expect(listTracks(db).map((t) => t.path.slice(root.length + 1)).sort()).toEqual(['good1.mp3', 'good2.wav', 'sub/good3.ogg']);
  const failed = new Map(r.failed.map((f) => [f.path.slice(root.length + 1), f.reason]));
  expect([...failed.keys()].sort()).toEqual(['empty.ogg', 'noise.mp3', 'readme.wav', 'silent-video.mka']);
  for (const reason of failed.values()) {
    expect(reason.length).toBeGreaterThan(5);
    expect(reason).not.toMatch(/internal error|\n|at .*\.ts/);
  }
  expect(failed.get('empty.ogg')).toMatch(/empty/);
  expect(failed.get('silent-video.mka')).toMatch(/no audio/);
});

it('tries failed files again on the next run and leaves the good ones alone', async () => {
  const r = await indexLibrary(db, [root], { jobs: 1, components: testComponents() });
  expect(r).toMatchObject({ indexed: 0, unchanged: 3 });
  expect(r.failed).toHaveLength(4);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
});
