/**
 * Review R30: audio-only .webm (yt-dlp's default) and .mp4 (a store's) were skipped as "not audio".
 * Files named like video containers are indexed when they hold sound and no picture; a real video
 * (a picture, with or without sound) is named and left out.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { testComponents } from './fixtures/components';
import { tempDir } from './fixtures/media';

const ff = (...args: string[]): void => void execFileSync(ffmpegPath(), ['-v', 'error', '-y', ...args]);

describe('sound in video containers', () => {
  let root = '';
  let lib = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('sound-video');
    lib = join(root, 'lib');
    mkdirSync(lib);
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=3'];
    const picture = ['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=3'];
    ff(...tone, '-c:a', 'libopus', join(lib, 'ytdlp.webm'));
    ff(...tone, '-c:a', 'aac', join(lib, 'store.mp4'));
    ff(...tone, ...picture, '-c:a', 'aac', '-c:v', 'libx264', '-preset', 'ultrafast', '-shortest', join(lib, 'clip.mp4'));
    ff(...picture, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', join(lib, 'silent.webm'));
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('indexes the audio-only ones and names the videos', async () => {
    const r = await indexLibrary(db, [lib], { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 2, failed: [] });
    expect(listTracks(db).map((t) => t.path).sort()).toEqual([join(lib, 'store.mp4'), join(lib, 'ytdlp.webm')]);
    expect(r.ignored.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: join(lib, 'clip.mp4'), reason: 'a video (it has a picture): not indexed as music' },
      { path: join(lib, 'silent.webm'), reason: 'a video (it has a picture): not indexed as music' },
    ]);
    // Unchanged next time: the catalogued ones stay, the videos are named again.
    expect(await indexLibrary(db, [lib], { jobs: 1, components: testComponents('stats-v1') })).toMatchObject({ indexed: 0, unchanged: 2, removed: 0 });
  });
});
