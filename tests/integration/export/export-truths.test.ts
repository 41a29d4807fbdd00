/**
 * What an export hands over is what its numbers say, with the real ffmpeg; every truth is read
 * from the files by ffprobe/ffmpeg in the test, not from the code under test.
 * - R16: a clip whose timestamps start after 0 (ffmpeg -output_ts_offset) is as long as its
 *   picture, not its end timestamp: probe, the stream-length pass and the export agree.
 * - R17: a rotated clip exported to Matroska (which cannot keep the rotation on a copy) is shown
 *   the way the clip is shown.
 * - R12: the loudness reported is the written file's, the target is kept beside it, and a miss
 *   of more than 2 LU below the target is a warning.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffmpegPath, ffprobePath } from '../../../electron/engine/media/ffmpeg-path';
import { probe, streamEnd, videoStream } from '../../../electron/engine/media/probe';
import { needledropWithEnv } from '../../helpers/cli';
import { ffmpeg, sine, tempDir } from '../../helpers/media';

const execp = promisify(execFile);
let tmp: { dir: string; cleanup: () => Promise<void> };
const f: Record<string, string> = {};

/** Seconds from the first packet's pts to the last packet's pts + duration of one stream, by ffprobe. */
async function packetSpan(file: string, select: string): Promise<number> {
  const { stdout } = await execp(ffprobePath(), ['-v', 'error', '-select_streams', select, '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], { maxBuffer: 1 << 24 });
  // A packet without a timestamp (N/A) neither starts nor ends anything.
  const rows = stdout.trim().split('\n').map((l) => l.split(',').map(Number)).filter(([pts, d]) => Number.isFinite(pts) && Number.isFinite(d));
  const first = Math.min(...rows.map(([pts]) => pts));
  const end = Math.max(...rows.map(([pts, d]) => pts + d));
  return end - first;
}

/** Integrated loudness of a file's audio by ffmpeg's ebur128 (LUFS). */
async function ebur128(file: string): Promise<number> {
  const { stderr } = await execp(ffmpegPath(), ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-'], { maxBuffer: 1 << 26 });
  return Number([...stderr.matchAll(/^\s*I:\s+(-?[0-9.]+) LUFS/gm)].at(-1)![1]);
}

/** The first frame as ffmpeg shows it (rotation applied), as RGB bytes, and its size. */
async function firstFrame(file: string): Promise<{ w: number; h: number; rgb: Buffer }> {
  const { stdout } = await execp(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:stream_side_data=rotation', '-of', 'json', file]);
  const s = (JSON.parse(stdout) as { streams: { width: number; height: number; side_data_list?: { rotation?: number }[] }[] }).streams[0];
  const turned = Math.abs(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0) % 180 === 90;
  const { stdout: rgb } = await execp(ffmpegPath(), ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  return { w: turned ? s.height : s.width, h: turned ? s.width : s.height, rgb };
}

beforeAll(async () => {
  tmp = await tempDir('needledrop-export-truths-');
  const d = tmp.dir;
  // 3 s, 64×36: red on the left half, blue on the right (which way up it is shows).
  f.clip = await ffmpeg(
    ['-f', 'lavfi', '-i', 'color=c=red:s=64x36:r=25:d=3', '-vf', 'drawbox=x=32:y=0:w=32:h=36:color=blue:t=fill', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    join(d, 'clip.mp4'),
  );
  // The same picture with timestamps from 2 s: Matroska states 5 s (its end), MP4 5 s too (an empty edit).
  f.offMkv = await ffmpeg(['-i', f.clip, '-c', 'copy', '-output_ts_offset', '2'], join(d, 'off.mkv'));
  f.offMp4 = await ffmpeg(['-i', f.clip, '-c', 'copy', '-output_ts_offset', '2'], join(d, 'off.mp4'));
  // Sound from 0 s and the picture from 1 s: the picture's own length is 3 s, not 4.
  f.lateVideo = await ffmpeg(
    ['-itsoffset', '1', '-i', f.clip, '-f', 'lavfi', '-i', 'sine=f=300:sample_rate=48000:d=4', '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'libopus'],
    join(d, 'late-video.mkv'),
  );
  // A phone clip: the display matrix says turn it 90°.
  f.rotated = await ffmpeg(['-i', f.clip, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], join(d, 'rotated.mp4'));
  f.tone = await sine(d, { freq: 440, seconds: 8, sampleRate: 48000, amplitude: 0.1 });
  // −100 dBFS: music nowhere, whatever gain a normaliser dares.
  f.nearSilent = await sine(d, { freq: 440, seconds: 8, sampleRate: 48000, amplitude: 0.00001, name: 'near-silent.wav' });
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('a clip whose timestamps start after 0 (review R16)', () => {
  it('probe: the clip lasts as long as its packets span, in Matroska and MP4 (not the end timestamp)', async () => {
    const picture = await packetSpan(f.offMkv, 'v:0');
    expect(picture).toBeCloseTo(3, 2); // the truth is the 3 s of picture made above
    for (const file of [f.offMkv, f.offMp4]) {
      const info = await probe(file);
      expect(info.duration, file).toBeCloseTo(picture, 2);
      expect(videoStream(info)!.duration, file).toBeCloseTo(picture, 2);
    }
  });

  it('streamEnd counts from the selected streams\' first timestamp: a picture that begins 1 s after the sound lasts 3 s', async () => {
    const picture = await packetSpan(f.lateVideo, 'v:0');
    const sound = await packetSpan(f.lateVideo, 'a:0');
    expect(await streamEnd(f.lateVideo, 'v:0')).toBeCloseTo(picture, 2);
    expect(await streamEnd(f.lateVideo, 'a:0')).toBeCloseTo(sound, 2);
    expect(picture).toBeLessThan(sound - 0.9);
  });

  it('export: no false "cut short", and the soundtrack lasts as long as the picture', async () => {
    const picture = await packetSpan(f.offMkv, 'v:0');
    const r = await exportClipWithTrack({ clip: f.offMkv, track: f.tone, offset: 1, out: join(tmp.dir, 'off-out.mp4') });
    expect(r.warnings).toEqual([]);
    expect(r.duration).toBeCloseTo(picture, 2);
    expect(r.audible).toBeCloseTo(picture, 2);
    expect(await packetSpan(r.out, 'a:0')).toBeGreaterThan(picture - 0.03);
    expect(await packetSpan(r.out, 'v:0')).toBeCloseTo(picture, 2);
  });
});

describe('a rotated clip (review R17)', () => {
  it('into .mkv: re-encoded upright, and shown as the clip is shown; into .mp4: copied with its rotation', async () => {
    const source = await firstFrame(f.rotated);
    expect([source.w, source.h]).toEqual([36, 64]); // the test's own premise: ffmpeg shows it turned
    const mkv = await exportClipWithTrack({ clip: f.rotated, track: f.tone, out: join(tmp.dir, 'rotated-out.mkv') });
    expect(mkv).toMatchObject({ videoCopied: false, videoCodec: 'h264' });
    const shown = await firstFrame(mkv.out);
    expect([shown.w, shown.h]).toEqual([source.w, source.h]);
    // Same picture, pixel by pixel (within the re-encode): red and blue where the clip shows them.
    let diff = 0;
    for (let i = 0; i < source.rgb.length; i++) diff += Math.abs(source.rgb[i] - shown.rgb[i]);
    expect(diff / source.rgb.length).toBeLessThan(8);
    const mp4 = await exportClipWithTrack({ clip: f.rotated, track: f.tone, out: join(tmp.dir, 'rotated-out.mp4') });
    expect(mp4.videoCopied).toBe(true);
    const kept = await firstFrame(mp4.out);
    expect([kept.w, kept.h]).toEqual([source.w, source.h]);
  });
});

describe('the loudness an export reports (review R12)', () => {
  it('is the written file\'s: a near-silent track reads as measured, with the target kept and a warning', async () => {
    const r = await exportClipWithTrack({ clip: f.clip, track: f.nearSilent, out: join(tmp.dir, 'near-silent.mp4') });
    const truth = await ebur128(r.out);
    expect(r.loudness).toBeCloseTo(truth, 1);
    expect(truth).toBeLessThan(-40);
    expect(r.loudnessTarget).toBe(-14);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain(f.nearSilent);
    expect(r.warnings[0]).toContain('near-silent');
  });

  it('a short piece faded over all its length still reaches the target (the first pass measures it faded)', async () => {
    // 1 s of clip, fades of 0.5 s in and out: heard as a triangle.
    const clip1 = await ffmpeg(['-i', f.clip, '-t', '1', '-c', 'copy'], join(tmp.dir, 'clip1.mp4'));
    const r = await exportClipWithTrack({ clip: clip1, track: f.tone, out: join(tmp.dir, 'short.mp4'), loudness: -20 });
    const truth = await ebur128(r.out);
    expect(r.loudness).toBeCloseTo(truth, 1);
    expect(Math.abs(truth - -20)).toBeLessThan(1);
    expect(r.loudnessTarget).toBe(-20);
    expect(r.warnings).toEqual([]);
  });

  it('CLI: the line says the measured loudness and the target', async () => {
    const out = join(tmp.dir, 'cli.mp4');
    const res = await needledropWithEnv({ NEEDLEDROP_HOME: join(tmp.dir, 'home') }, 'export', f.clip, f.nearSilent, '--out', out);
    expect(res.code, res.stderr).toBe(0);
    const truth = await ebur128(out);
    expect(res.stderr).toContain(`aac at ${truth.toFixed(1)} LUFS (target -14)`);
    expect(res.stderr).toMatch(/export: warning: .*near-silent/);
  }, 60_000);
});
