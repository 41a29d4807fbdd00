/**
 * An Out point at the file's end when the audio runs past the picture. A player's timeline (the app's
 * video element) runs to the file's end, so the app's O at the last moment gives an end past the last
 * frame; since the one range rule (44b5300) that was refused by match, fit and export alike. Now an
 * end not past the file's end is read as the picture's end; one past the file's end is still refused.
 * Truths: the clip is built here with 6 s of picture and 7 s of audio (ffprobe reads both back), and
 * the written file's length and silence are measured by ffmpeg, not by the engine.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rangeProblem } from '../../../electron/contract/clip-range';
import { checkClipRange } from '../../../electron/engine/features/range';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { probe } from '../../../electron/engine/media/probe';
import { decodeMono, ffmpeg, musicLike, rmsBetween, tempDir } from '../../helpers/media';

function seconds(file: string, entry: 'format=duration' | 'stream=duration', stream?: string): number {
  const args = ['-v', 'error', ...(stream ? ['-select_streams', stream] : []), '-show_entries', entry, '-of', 'csv=p=0', file];
  return Number(execFileSync('ffprobe', args, { encoding: 'utf8' }).trim());
}

describe('an Out point at the file\'s end, past the last frame (audio longer than the picture)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let clip: string;
  let track: string;

  beforeAll(async () => {
    tmp = await tempDir('out-point-file-end-');
    clip = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=6', '-f', 'lavfi', '-i', 'sine=f=330:d=7', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'], join(tmp.dir, 'long-audio.mp4'));
    track = await musicLike(tmp.dir, { seconds: 20, bpm: 120, name: 'track.m4a' });
    expect(seconds(clip, 'stream=duration', 'v:0')).toBeCloseTo(6, 2);
    expect(seconds(clip, 'format=duration')).toBeGreaterThan(6.9);
  }, 120_000);
  afterAll(() => tmp.cleanup());

  it('the rule: an end up to the file\'s end is the picture\'s end; past it, refused', () => {
    expect(rangeProblem(1, 7, 6, 25, 7)).toBeNull();
    expect(rangeProblem(1, 7.01, 6, 25, 7)).toMatch(/the range's end \(7\.01 s\) is past the video's end \(6\.000 s\)/);
    // Without a longer file, only the slack past the picture.
    expect(rangeProblem(1, 7, 6, 25)).toMatch(/past the video's end/);
  });

  it('match and fit (checkClipRange on the probed clip) take the file\'s end and refuse beyond it', async () => {
    const info = await probe(clip);
    const fileEnd = seconds(clip, 'format=duration');
    expect(() => checkClipRange(clip, info, 1, fileEnd)).not.toThrow();
    expect(() => checkClipRange(clip, info, 1, fileEnd + 0.2)).toThrow(/past the video's end/);
  });

  it('export with Out at the file\'s end writes the picture\'s length, the track heard to its last frame', async () => {
    const out = join(tmp.dir, 'out.mp4');
    const fileEnd = seconds(clip, 'format=duration');
    await exportClipWithTrack({ clip, track, offset: 1, start: 1, end: fileEnd, out, fade: 0.1 });
    expect(seconds(out, 'format=duration')).toBeCloseTo(6, 1);
    const pcm = await decodeMono(out, 16000);
    expect(rmsBetween(pcm, 16000, 0.1, 0.9)).toBeLessThan(1e-3);
    expect(rmsBetween(pcm, 16000, 2, 5.5)).toBeGreaterThan(0.01);
    await expect(exportClipWithTrack({ clip, track, offset: 1, start: 1, end: fileEnd + 0.2, out: join(tmp.dir, 'out2.mp4') })).rejects.toThrow(/the Out point .* is past the end of the clip \(6\.00 s\)/);
  }, 120_000);
});
