/**
 * An export keeps the clip's container tags that editors rely on (session 17, F1.1): ffmpeg's
 * default metadata copy drops creation_time, and footage is sorted by it. Every truth is read by
 * ffprobe from the clip the test wrote and from the exported file, not from the code under test.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffprobePath } from '../../../electron/engine/media/ffmpeg-path';
import { ffmpeg, sine, tempDir } from '../../helpers/media';

const execp = promisify(execFile);
let tmp: { dir: string; cleanup: () => Promise<void> };
const f: Record<string, string> = {};

/** A file's container tags and its streams' creation_time, by ffprobe. */
async function tagsOf(file: string): Promise<{ format: Record<string, string>; streamTimes: Array<string | undefined> }> {
  const { stdout } = await execp(ffprobePath(), ['-v', 'error', '-show_entries', 'format_tags:stream_tags=creation_time', '-of', 'json', file]);
  const j = JSON.parse(stdout) as { format?: { tags?: Record<string, string> }; streams?: Array<{ tags?: Record<string, string> }> };
  return { format: j.format?.tags ?? {}, streamTimes: (j.streams ?? []).map((s) => s.tags?.creation_time) };
}

const lower = (tags: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));

const WHEN = '2017-01-05T18:32:43.000000Z';
const WHERE = '+54.1843-002.7189/';
const APPLE = { 'com.apple.quicktime.make': 'Apple', 'com.apple.quicktime.model': 'iPhone 12', 'com.apple.quicktime.location.ISO6709': WHERE };

beforeAll(async () => {
  tmp = await tempDir('needledrop-export-tags-');
  const d = tmp.dir;
  const picture = ['-f', 'lavfi', '-i', 'color=c=green:s=32x18:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  // A camera clip: shot at WHEN, at WHERE (what a phone or camera writes into the container).
  f.camera = await ffmpeg([...picture, '-metadata', `creation_time=${WHEN}`, '-metadata', `location=${WHERE}`], join(d, 'camera.mp4'));
  // An iPhone-style clip: the same, and QuickTime's own keys (mdta atoms).
  f.iphone = await ffmpeg(
    [...picture, '-metadata', `creation_time=${WHEN}`, ...Object.entries(APPLE).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]), '-movflags', '+use_metadata_tags'],
    join(d, 'iphone.mov'),
  );
  f.tone = await sine(d, { freq: 440, seconds: 2, sampleRate: 48000 });
}, 60_000);
afterAll(() => tmp?.cleanup());

describe('export keeps the clip container tags', () => {
  it('the test clips hold what they should (the premise)', async () => {
    expect((await tagsOf(f.camera)).format).toMatchObject({ creation_time: WHEN, location: WHERE });
    expect((await tagsOf(f.iphone)).format).toMatchObject({ creation_time: WHEN, ...APPLE });
  });

  for (const ext of ['mp4', 'mov', 'mkv', 'webm']) {
    it(`keeps creation_time and location in .${ext}`, async () => {
      const out = join(tmp.dir, `camera-scored.${ext}`);
      await exportClipWithTrack({ clip: f.camera, track: f.tone, out, fade: 0 });
      const { format, streamTimes } = await tagsOf(out);
      // Matroska upper-cases its tag names; the values are what count.
      expect(lower(format)).toMatchObject({ creation_time: WHEN, location: WHERE });
      // MP4/MOV date each track by the movie's time: the picture and the sound say WHEN too.
      if (ext === 'mp4' || ext === 'mov') expect(streamTimes).toEqual([WHEN, WHEN]);
    }, 60_000);
  }

  for (const ext of ['mov', 'mp4']) {
    it(`keeps com.apple.quicktime.* keys in .${ext}, and the file's brand is its own`, async () => {
      const out = join(tmp.dir, `iphone-scored.${ext}`);
      await exportClipWithTrack({ clip: f.iphone, track: f.tone, out, fade: 0 });
      const { format } = await tagsOf(out);
      expect(format).toMatchObject({ creation_time: WHEN, ...APPLE });
      // The brand ffprobe reports is the output's ftyp (qt for .mov, isom for .mp4), not the clip's copied as a tag.
      expect(format.major_brand?.trim()).toBe(ext === 'mov' ? 'qt' : 'isom');
    }, 60_000);
  }
});
