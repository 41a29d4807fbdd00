/**
 * Review R30: audio-only .webm (yt-dlp's default) and .mp4 (a store's) were skipped as "not audio".
 * Files named like video containers are indexed when they hold sound and no picture; a real video
 * (a picture, with or without sound) is named and left out.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { ffmpegPath, ffprobePath } from '../../../electron/engine/media/ffmpeg-path';
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

/**
 * Review R1.7: only names of video containers were asked whether they hold a picture, so an .ogg
 * holding Theora (or an .mka holding VP8) was catalogued as music while the same video as .mp4 was
 * "a video". Every file is judged by the streams its decoding run sees; cover art (a FLAC picture
 * block in a Vorbis comment, a Matroska attachment) is no picture that moves.
 */
describe('a video in an audio container (R1.7)', () => {
  let root = '';
  let lib = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('video-in-audio');
    lib = join(root, 'lib');
    mkdirSync(lib);
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=3'];
    const picture = ['-f', 'lavfi', '-i', 'testsrc2=s=64x36:r=10:d=3'];
    // Two plain files first: six files make batches of 2, 2, 1, 1, so the two videos share one ffmpeg run (its input dump), the covers run alone.
    ff(...tone, '-c:a', 'libvorbis', join(lib, 'a-plain.ogg'));
    ff(...tone, '-c:a', 'flac', join(lib, 'b-plain.flac'));
    ff(...tone, ...picture, '-map', '0', '-map', '1', '-c:a', 'libvorbis', '-c:v', 'libtheora', '-shortest', join(lib, 'theora.ogg'));
    ff(...tone, ...picture, '-map', '0', '-map', '1', '-c:a', 'libvorbis', '-c:v', 'libvpx', '-deadline', 'realtime', '-shortest', join(lib, 'vp8.mka'));
    const cover = join(root, 'cover.jpg');
    ff('-f', 'lavfi', '-i', 'testsrc2=s=64x64:d=1', '-frames:v', '1', cover);
    // A FLAC picture block (type 3, front cover) as Vorbis comments carry cover art.
    const jpg = readFileSync(cover);
    const u32 = (n: number): Buffer => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const mime = Buffer.from('image/jpeg');
    const block = Buffer.concat([u32(3), u32(mime.length), mime, u32(0), u32(64), u32(64), u32(24), u32(0), u32(jpg.length), jpg]).toString('base64');
    ff(...tone, '-c:a', 'libvorbis', '-metadata:s:a:0', `METADATA_BLOCK_PICTURE=${block}`, join(lib, 'with-cover.ogg'));
    ff(...tone, '-c:a', 'libvorbis', '-attach', cover, '-metadata:s:t', 'mimetype=image/jpeg', '-metadata:s:t', 'filename=cover.jpg', join(lib, 'with-cover.mka'));
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** The kinds of stream ffprobe finds in a file, with cover art marked: the plant, checked apart from the indexer. */
  const streams = (file: string): string[] =>
    execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'stream=codec_type:stream_disposition=attached_pic', '-of', 'csv=p=0', join(lib, file)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();

  it('refuses the videos as a video, whatever their name, and indexes the files with cover art', async () => {
    expect(streams('theora.ogg')).toEqual(['audio,0', 'video,0']);
    expect(streams('vp8.mka')).toEqual(['audio,0', 'video,0']);
    expect(streams('with-cover.ogg')).toEqual(['audio,0', 'video,1']);
    expect(streams('with-cover.mka')).toEqual(['audio,0', 'video,1']);
    const r = await indexLibrary(db, [lib], { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 4, failed: [] });
    expect(listTracks(db).map((t) => t.path).sort()).toEqual(['a-plain.ogg', 'b-plain.flac', 'with-cover.mka', 'with-cover.ogg'].map((f) => join(lib, f)));
    expect(r.ignored.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: join(lib, 'theora.ogg'), reason: 'a video (it has a picture): not indexed as music' },
      { path: join(lib, 'vp8.mka'), reason: 'a video (it has a picture): not indexed as music' },
    ]);
  }, 120_000);
});
