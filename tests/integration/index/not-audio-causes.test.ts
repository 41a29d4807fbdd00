/**
 * Review R1.14: the skip reason of a file named like audio that is not says what it is, in the
 * input's words only. A text file named .flac said "(ffmpeg: sample rate not set; Could not write
 * header for output file #0 …; Error initializing output stream 0:0 --)", as if Needledrop had
 * failed to write something; a PNG named .mp3 said only "has no audio stream".
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

let root: string;
let db: Catalog;

/** One still picture written by ffmpeg's image writer with the given codec, under any name. */
function image(path: string, codec: 'png' | 'mjpeg'): void {
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48', '-frames:v', '1', '-c:v', codec, '-f', 'image2', path]);
}

beforeAll(() => {
  root = tempDir('not-audio');
  makeAudio(join(root, 'good.ogg'), { freq: 330 });
  writeFileSync(join(root, 'text.flac'), 'just some text, not audio\n');
  image(join(root, 'cover.mp3'), 'png');
  image(join(root, 'photo.ogg'), 'mjpeg');
  db = openCatalog(join(root, 'catalog.sqlite'));
}, 120_000);
afterAll(() => {
  db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

it('names an image under an audio name as the image it is, and keeps ffmpeg\'s output-side words out of a cause', async () => {
  const r = await indexLibrary(db, [root], { jobs: 1, components: testComponents() });
  expect(r.indexed).toBe(1);
  const failed = new Map(r.failed.map((f) => [f.path.slice(root.length + 1), f.reason]));
  expect([...failed.keys()].sort()).toEqual(['cover.mp3', 'photo.ogg', 'text.flac']);
  expect(failed.get('cover.mp3')).toBe('an image (PNG), not audio: named .mp3');
  expect(failed.get('photo.ogg')).toBe('an image (JPEG), not audio: named .ogg');
  const text = failed.get('text.flac') ?? '';
  expect(text).toMatch(/^not an audio or video file ffmpeg can read/);
  expect(text).not.toMatch(/output|write header/i);
}, 300_000);
