// exportClipWithTrack's own steps on tiny media (a 1 s 32×18 clip, a 3 s tone: each export is a
// fraction of a second), so its orchestration is mutation-tested without the minutes of
// export.test.ts: what it probes, what it returns (the plan's numbers), refusals of media
// without the stream it needs, cancelling, the temp folder. What the exported sound is (offset,
// fades, loudness) is checked by export.test.ts against the decoded source.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { probe } from '../../../electron/engine/media/probe';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
const f: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-export-steps-'));
  f.clip = await gen.solidVideo(dir, { color: 'blue', seconds: 1, width: 32, height: 18 });
  f.tone = await gen.sine(dir, { freq: 440, seconds: 3, sampleRate: 48000 });
  // A clip whose sound runs 1 s past its picture, and a "track" with a picture 2 s longer than its
  // sound: the container states the longer length; the streams' own lengths must be used.
  f.longAudioClip = await gen.ffmpeg(
    ['-f', 'lavfi', '-i', 'color=c=red:s=32x18:r=25:d=1', '-f', 'lavfi', '-i', 'sine=frequency=200:sample_rate=48000:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    join(dir, 'long-audio.mp4'),
  );
  f.longVideoTrack = await gen.ffmpeg(
    ['-f', 'lavfi', '-i', 'color=c=green:s=32x18:r=25:d=5', '-f', 'lavfi', '-i', 'sine=frequency=300:sample_rate=48000:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    join(dir, 'long-video.mp4'),
  );
  f.floatTone = await gen.ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000:duration=3', '-c:a', 'pcm_f32le'], join(dir, 'float.wav'));
}, 120_000);
afterAll(() => cleanup?.());

const out = (name: string): string => join(dir, name);

/** Integrated loudness of a file's audio by ffmpeg's ebur128 (LUFS). */
async function ebur128(file: string): Promise<number> {
  const { stderr } = await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-']);
  return Number([...stderr.matchAll(/^\s*I:\s+(-?[0-9.]+) LUFS/gm)].at(-1)![1]);
}
const temps = (): string[] => readdirSync(dir).filter((n) => n.startsWith('.needledrop-export-'));

describe('exportClipWithTrack on tiny media', () => {
  it('returns the plan it exported: length of the clip, audible part, fade, codecs; the file has it', async () => {
    const r = await exportClipWithTrack({ clip: f.clip, track: f.tone, offset: 2.5, out: out('a.mp4'), fade: 0.2, loudness: -20 });
    // 0.5 s of the 3 s tone remain from 2.5 s: heard for 0.5 s of the 1 s clip, fades capped at 0.25.
    expect(r).toMatchObject({ out: out('a.mp4'), container: 'mp4', videoCodec: 'h264', videoCopied: true, audioCodec: 'aac', fade: 0.2, loudnessTarget: -20, warnings: [] });
    // The loudness reported is the file's, by ffmpeg's own meter.
    expect(r.loudness).toBeCloseTo(await ebur128(r.out), 1);
    expect(r.duration).toBeCloseTo(1, 1);
    expect(r.audible).toBeCloseTo(0.5, 2);
    const info = await probe(r.out);
    expect(info.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
    expect(info.duration).toBeCloseTo(r.duration, 1);
    expect(temps()).toEqual([]);
  });

  it('defaults: offset 0, a 0.5 s fade (capped at half the audible part), −14 LUFS', async () => {
    const r = await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('b.mkv') });
    expect(r).toMatchObject({ container: 'matroska', fade: 0.5, loudnessTarget: -14, audioCodec: 'aac', videoCopied: true });
    expect(r.audible).toBeCloseTo(r.duration, 6);
  });

  it('a fade shortened by less than the warning can show is not warned about (session 17)', async () => {
    // 1 s of music holds 0.5 s fades: 0.503 s asked is 0.50 either way (fire2's 2.38 s with --fade 1.19
    // said "fade shortened to 1.19 s … (1.19 s asked)"); 0.6 s asked is shortened for real.
    const close = await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('fade-close.mkv'), fade: 0.503 });
    expect(close.fade).toBeCloseTo(close.audible / 2, 9);
    expect(close.warnings.filter((w) => w.startsWith('fade shortened'))).toEqual([]);
    const far = await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('fade-far.mkv'), fade: 0.6 });
    expect(far.warnings.filter((w) => w.startsWith('fade shortened'))).toEqual([`fade shortened to ${(far.audible / 2).toFixed(2)} s: half of the ${far.audible.toFixed(2)} s of music heard (0.6 s asked)`]);
  });

  it('a float PCM track exports (its NaN/Inf guard does not break a clean one)', async () => {
    const r = await exportClipWithTrack({ clip: f.clip, track: f.floatTone, out: out('c.mp4') });
    expect(r.warnings).toEqual([]);
    expect((await probe(r.out)).streams.some((s) => s.type === 'audio')).toBe(true);
  });

  it('uses the lengths of the streams it uses, not the container\'s: no false "cut short"', async () => {
    const r = await exportClipWithTrack({ clip: f.longAudioClip, track: f.longVideoTrack, offset: 2.5, out: out('j.mp4') });
    expect(r.warnings).toEqual([]);
    expect(r.duration).toBeCloseTo(1, 1); // the clip's picture, not its 2 s of sound
    expect(r.audible).toBeLessThan(0.6); // the track's 3 s of sound from 2.5 s, not its 5 s of picture
    expect(r.audible).toBeGreaterThan(0.4);
  });

  it('webm from an H.264 clip: the picture is re-encoded to VP9 and the result says so', async () => {
    const r = await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('k.webm') });
    expect(r).toMatchObject({ container: 'webm', videoCodec: 'vp9', videoCopied: false, audioCodec: 'opus' });
    expect((await probe(r.out)).streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'vp9' });
  });

  it('refuses a clip without video and a track without audio, naming the file; nothing is left behind', async () => {
    await expect(exportClipWithTrack({ clip: f.tone, track: f.tone, out: out('d.mp4') })).rejects.toMatchObject({
      kind: 'input',
      file: f.tone,
      message: `${f.tone}: has no video stream to put the track under`,
    });
    await expect(exportClipWithTrack({ clip: f.clip, track: f.clip, out: out('e.mp4') })).rejects.toMatchObject({
      kind: 'input',
      file: f.clip,
      message: `${f.clip}: has no audio stream`,
    });
    expect(readdirSync(dir).filter((n) => n === 'd.mp4' || n === 'e.mp4')).toEqual([]);
    expect(temps()).toEqual([]);
  });

  it('an offset past the track end is refused before ffmpeg runs', async () => {
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, offset: 3, out: out('g.mp4') })).rejects.toMatchObject({
      kind: 'input',
      file: f.tone,
      message: expect.stringContaining('offset 3 s is at or past the end of the track (3.00 s long)'),
    });
    // With a clip time, the message says the numbers as given (review R24: it said offset − start, 7 − 2 = 5).
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, offset: 7, start: 2, out: out('g.mp4') })).rejects.toMatchObject({
      kind: 'input',
      file: f.tone,
      message: `${f.tone}: offset 7 s (at clip 2 s) is at or past the end of the track (3.00 s long)`,
    });
  });

  it('an aborted export is cancelled and leaves neither the output nor its temp folder', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('h.mp4'), signal: ctl.signal })).rejects.toMatchObject({ kind: 'cancelled' });
    expect(readdirSync(dir)).not.toContain('h.mp4');
    expect(temps()).toEqual([]);
  });

  it('an existing output is refused unless forced; forced, it is replaced', async () => {
    await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('i.mp4'), fade: 0 });
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('i.mp4') })).rejects.toMatchObject({ code: 'exists' });
    const r = await exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('i.mp4'), force: true, loudness: -30 });
    expect(r.loudnessTarget).toBe(-30);
    expect(r.loudness).toBeCloseTo(await ebur128(out('i.mp4')), 1);
    expect(temps()).toEqual([]);
  });
});
