/**
 * Exporting a clip with a track as its soundtrack, with the real ffmpeg on media made in setup
 * (and on the shared real clips when present): streams, exact length, loudness, fades/padding,
 * overwrite protection and clear input errors.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { audioStream, probe, videoStream } from '../../../electron/engine/media/probe';
import { run as cliExport } from '../../../scripts/cli/export';
import { decodeMono, ffmpeg, rmsBetween, sharedMediaDir, tempDir } from '../../helpers/media';
import { bestMatch } from '../../helpers/signal';

const execp = promisify(execFile);
let tmp: { dir: string; cleanup: () => Promise<void> };
let clipMp4: string;
let clipWebm: string;
let track: string;
let noise: string;

/** Integrated loudness (EBU R128) and the RMS level of the last `tailSeconds`, in dB. */
async function loudness(file: string, tailFrom?: number): Promise<{ lufs: number; tailDb: number }> {
  const { stderr } = await execp(ffmpegPath(), ['-hide_banner', '-i', file, '-map', '0:a', '-af', 'ebur128', '-f', 'null', '-'], { maxBuffer: 1 << 24 });
  const lufs = Number([...stderr.matchAll(/I:\s+(-?[0-9.]+) LUFS/g)].at(-1)![1]);
  let tailDb = NaN;
  if (tailFrom !== undefined) {
    const t = await execp(ffmpegPath(), ['-hide_banner', '-i', file, '-map', '0:a', '-af', `atrim=start=${tailFrom},volumedetect`, '-f', 'null', '-'], { maxBuffer: 1 << 24 });
    tailDb = Number(t.stderr.match(/mean_volume:\s+(-?[0-9.inf]+) dB/)?.[1] ?? NaN);
  }
  return { lufs, tailDb };
}

async function videoPacketHashes(file: string): Promise<string> {
  const { stdout } = await execp(ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', '-'], { maxBuffer: 1 << 24 });
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').at(-1)!.trim()).join(' ');
}

/** The lag (in samples) at which `probe` best matches `source`, by normalised cross-correlation. */
function bestLag(source: Float32Array, probe: Float32Array): number {
  const { lag, score } = bestMatch(source, probe);
  expect(score).toBeGreaterThan(0.5); // a real match, not the best of noise
  return lag;
}

/** Poll `done` until it holds (every 5 ms, at most the test's own timeout). */
async function waitFor(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
}

beforeAll(async () => {
  tmp = await tempDir('needledrop-export-');
  const d = tmp.dir;
  // A 3 s clip with its own (to be replaced) audio, and a 3 s VP9 clip without audio.
  clipMp4 = await ffmpeg(
    ['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24:d=3', '-f', 'lavfi', '-i', 'sine=f=1000:d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest'],
    join(d, 'clip.mp4'),
  );
  clipWebm = await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24:d=3', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8'], join(d, 'clip.webm'));
  // A quiet 8 s stereo "track": two tones and a little noise, around −30 LUFS.
  track = await ffmpeg(
    [
      '-f', 'lavfi', '-i', 'aevalsrc=0.05*sin(2*PI*220*t)+0.03*sin(2*PI*330*t)|0.05*sin(2*PI*277*t)+0.03*sin(2*PI*440*t):s=44100:d=8',
      '-f', 'lavfi', '-i', 'anoisesrc=a=0.01:d=8:r=44100:seed=7', '-filter_complex', '[0][1]amix=inputs=2:normalize=0', '-c:a', 'libvorbis',
    ],
    join(d, 'track.ogg'),
  );
  // Seeded white noise at a steady level: no period, so a cross-correlation has one sharp peak.
  noise = await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=a=0.2:d=8:r=48000:seed=16', '-c:a', 'flac'], join(d, 'noise.flac'));
});

afterAll(async () => {
  await tmp?.cleanup();
});

describe('exportClipWithTrack', () => {
  it('mp4: copies the H.264 picture, encodes AAC from the offset, matches the clip length within a frame', async () => {
    const out = join(tmp.dir, 'out.mp4');
    const result = await exportClipWithTrack({ clip: clipMp4, track, offset: 2, out });
    expect(result).toMatchObject({ videoCopied: true, videoCodec: 'h264', audioCodec: 'aac', container: 'mp4', audible: 3, fade: 0.5 });
    const info = await probe(out);
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:h264', 'audio:aac']);
    const clipVideo = videoStream(await probe(clipMp4))!;
    expect(Math.abs(info.duration - clipVideo.duration!)).toBeLessThanOrEqual(1 / 24);
    expect(Math.abs(audioStream(info)!.duration! - clipVideo.duration!)).toBeLessThanOrEqual(1 / 24);
    expect(await videoPacketHashes(out)).toBe(await videoPacketHashes(clipMp4));
  });

  it('normalises loudness to the target (two passes, within 1 LU here), the target moves it, and the result says what the file measures', async () => {
    const loud = join(tmp.dir, 'loud.mp4');
    const quiet = join(tmp.dir, 'quiet.mp4');
    const rl = await exportClipWithTrack({ clip: clipMp4, track, offset: 1, out: loud, loudness: -14, fade: 0 });
    const rq = await exportClipWithTrack({ clip: clipMp4, track, offset: 1, out: quiet, loudness: -24, fade: 0 });
    const [l, q, src] = await Promise.all([loudness(loud), loudness(quiet), loudness(track)]);
    expect(src.lufs).toBeLessThan(-24); // the source really was quieter than both targets
    expect(Math.abs(l.lufs + 14)).toBeLessThan(1);
    expect(Math.abs(q.lufs + 24)).toBeLessThan(1);
    expect(rl.loudness).toBeCloseTo(l.lufs, 1);
    expect(rq.loudness).toBeCloseTo(q.lufs, 1);
    expect([rl.loudnessTarget, rq.loudnessTarget]).toEqual([-14, -24]);
  });

  it('webm: copies VP9 and encodes Opus; an mp4 clip into webm is re-encoded to VP9', async () => {
    const copied = await exportClipWithTrack({ clip: clipWebm, track, out: join(tmp.dir, 'out.webm') });
    expect(copied).toMatchObject({ videoCopied: true, videoCodec: 'vp9', audioCodec: 'opus' });
    const info = await probe(copied.out);
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:vp9', 'audio:opus']);
    expect(Math.abs(info.duration - 3)).toBeLessThanOrEqual(1 / 24);

    const converted = await exportClipWithTrack({ clip: clipMp4, track, out: join(tmp.dir, 'from-mp4.webm') });
    expect(converted).toMatchObject({ videoCopied: false, videoCodec: 'vp9' });
    const conv = await probe(converted.out);
    expect(conv.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:vp9', 'audio:opus']);
    expect(Math.abs(conv.duration - 3)).toBeLessThanOrEqual(1 / 24);
  });

  it('a track that ends before the clip fades out and leaves silence up to the clip length', async () => {
    const out = join(tmp.dir, 'short.mp4');
    const result = await exportClipWithTrack({ clip: clipMp4, track, offset: 7, out, fade: 0.2 });
    expect(result.audible).toBeCloseTo(1, 2);
    const info = await probe(out);
    expect(Math.abs(info.duration - 3)).toBeLessThanOrEqual(1 / 24);
    const { tailDb } = await loudness(out, 1.5);
    const { tailDb: headDb } = await loudness(join(tmp.dir, 'out.mp4'), 1.5);
    expect(headDb).toBeGreaterThan(-40); // where the track plays, it is audible…
    expect(tailDb).toBeLessThan(-80); // …where it has ended, silence
  });

  it('places the track from the offset: the exported sound is the source at that lag', async () => {
    const rate = 2000;
    const offset = 3.3;
    const result = await exportClipWithTrack({ clip: clipMp4, track: noise, offset, out: join(tmp.dir, 'lag.mp4'), fade: 0 });
    expect(result.audible).toBe(3);
    // Truth without the exporter's seek: find where 2 s of the export sit in the whole decoded source.
    const [source, exported] = await Promise.all([decodeMono(noise, rate), decodeMono(result.out, rate)]);
    const probe = exported.subarray(0.5 * rate, 2.5 * rate);
    expect(Math.abs(bestLag(source, probe) / rate - 0.5 - offset)).toBeLessThan(0.02);
  });

  it('with an In point after the offset, the clip is silent until the track begins there (review R9)', async () => {
    const rate = 2000;
    // The match said: at clip time 1.2 s (the In point) the track is at 0.5 s; so it begins at 0.7 s.
    const result = await exportClipWithTrack({ clip: clipMp4, track: noise, offset: 0.5, start: 1.2, out: join(tmp.dir, 'lead.mp4'), fade: 0 });
    expect(result.audible).toBeCloseTo(2.3, 6);
    const [source, exported] = await Promise.all([decodeMono(noise, rate), decodeMono(result.out, rate)]);
    const rms = (from: number, to: number): number => rmsBetween(exported, rate, from, to);
    expect(rms(0, 0.65)).toBeLessThan(1e-3);
    expect(rms(0.75, 1.2)).toBeGreaterThan(0.02);
    // Truth without the exporter: clip time 1.5 s holds source time 0.5 + (1.5 − 1.2) = 0.8 s.
    const probe = exported.subarray(1.5 * rate, 2.5 * rate);
    expect(Math.abs(bestLag(source, probe) / rate - 0.8)).toBeLessThan(0.02);
  });

  it('fades in at the start and out at the end of the audible part, not at the end of the clip', async () => {
    const rate = 48000;
    const fade = 0.2;
    // 8 s track from 7 s under a 3 s clip: 1 s audible, then silence.
    const result = await exportClipWithTrack({ clip: clipMp4, track: noise, offset: 7, out: join(tmp.dir, 'fades.mp4'), fade });
    expect(result).toMatchObject({ audible: 1, fade });
    const pcm = await decodeMono(result.out, rate);
    const rms = (from: number, to: number): number => rmsBetween(pcm, rate, from, to);
    const steady = rms(0.3, 0.7);
    expect(steady).toBeGreaterThan(0.01);
    // A linear fade's gain over its first/last quarter averages 1/8: RMS ≈ 0.14 of the steady level.
    expect(rms(0, fade / 4) / steady).toBeLessThan(0.3);
    expect(rms(1 - fade / 4, 1) / steady).toBeLessThan(0.3);
    // Halfway through the fade-out the gain is ½ (RMS of a ramp from ¾ to ¼ ≈ 0.54).
    expect(rms(1 - (3 * fade) / 4, 1 - fade / 4) / steady).toBeGreaterThan(0.35);
    expect(rms(1 - (3 * fade) / 4, 1 - fade / 4) / steady).toBeLessThan(0.75);
    // Before the fade-out the track plays at its steady level; after the audible part, silence.
    expect(rms(0.6, 1 - fade) / steady).toBeGreaterThan(0.8);
    expect(rms(1.1, 2.9) / steady).toBeLessThan(0.01);
    // A fade longer than half the audible part is cut to half: fade in and out meet in the middle.
    const clamped = await exportClipWithTrack({ clip: clipMp4, track: noise, offset: 7.5, out: join(tmp.dir, 'clamped.mp4'), fade: 2 });
    expect(clamped).toMatchObject({ audible: 0.5, fade: 0.25 });
    // Said, not silent (review R31); a fade that fits says nothing.
    expect(clamped.warnings).toContain('fade shortened to 0.25 s: half of the 0.50 s of music heard (2 s asked)');
    expect(result.warnings.filter((w) => w.startsWith('fade shortened'))).toEqual([]);
  });

  it('never overwrites an existing file unless forced', async () => {
    const out = join(tmp.dir, 'taken.mp4');
    writeFileSync(out, 'keep me');
    const err = await exportClipWithTrack({ clip: clipMp4, track, out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedledropError);
    expect((err as NeedledropError).kind).toBe('input');
    // A stable code, not a CLI flag: each front words its own hint (the CLI says --force).
    expect(err).toMatchObject({ code: 'exists', message: expect.stringMatching(/taken\.mp4: already exists$/) });
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    await exportClipWithTrack({ clip: clipMp4, track, out, force: true });
    expect(videoStream(await probe(out))?.codec).toBe('h264');
  });

  it('bad inputs give clear errors and leave no partial output', async () => {
    const attempt = (o: Partial<Parameters<typeof exportClipWithTrack>[0]>) =>
      exportClipWithTrack({ clip: clipMp4, track, out: join(tmp.dir, 'never.mp4'), ...o }).catch((e: unknown) => e as NeedledropError);
    const missing = join(tmp.dir, 'missing.ogg');
    expect(await attempt({ track: missing })).toMatchObject({ kind: 'input', file: missing, message: expect.stringMatching(/file not found/) });
    expect(await attempt({ clip: track })).toMatchObject({ kind: 'input', message: expect.stringMatching(/no video stream/) });
    expect(await attempt({ track: clipWebm })).toMatchObject({ kind: 'input', message: expect.stringMatching(/no audio stream/) });
    expect(await attempt({ offset: 8.5 })).toMatchObject({ kind: 'input', message: expect.stringMatching(/past the end of the track \(8\.0\d s long\)/) });
    expect(await attempt({ out: join(tmp.dir, 'x.avi') })).toMatchObject({ kind: 'input', message: expect.stringMatching(/must end in .mp4/) });
    expect(await attempt({ out: clipMp4, force: true })).toMatchObject({ kind: 'input', message: expect.stringMatching(/cannot be one of the inputs/) });
    expect(await attempt({ offset: -1 })).toMatchObject({ kind: 'usage' });
    expect(await attempt({ loudness: 3 })).toMatchObject({ kind: 'usage' });
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('.part-') || f === 'never.mp4')).toEqual([]);
  });

  it('cancels on abort and removes the partial file', async () => {
    const abort = new AbortController();
    const pending = exportClipWithTrack({ clip: clipMp4, track, out: join(tmp.dir, 'cancelled.webm'), signal: abort.signal });
    // Abort once ffmpeg is writing (its temp folder exists), not after a fixed delay that a fast or slow machine could miss.
    await waitFor(() => readdirSync(tmp.dir).some((f) => f.startsWith('.needledrop-export-')));
    abort.abort();
    const err = await pending.catch((e: unknown) => e as NeedledropError);
    expect(err).toMatchObject({ kind: 'cancelled' });
    expect(readdirSync(tmp.dir).filter((f) => f.includes('cancelled'))).toEqual([]);
  });

  it('CLI: exports with a negative --loudness and rejects a missing --out as a usage error', async () => {
    const out = join(tmp.dir, 'cli.mkv');
    expect(await cliExport([clipMp4, track, '--offset', '0.5', '--loudness', '-16', '--fade', '0.25', '--out', out])).toBe(0);
    const info = await probe(out);
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:h264', 'audio:aac']);
    await expect(cliExport([clipMp4, track])).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('real media: a real clip with a real recording', async () => {
    const shared = await sharedMediaDir();
    if (!shared) {
      console.warn('skipping: ../shared/media is absent');
      return;
    }
    const clip = join(shared, 'video', 'chaplin.mp4');
    const music = join(shared, 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg');
    const result = await exportClipWithTrack({ clip, track: music, offset: 20, out: join(tmp.dir, 'chaplin-vibe.mp4') });
    const info = await probe(result.out);
    expect(info.streams.map((s) => `${s.type}:${s.codec}`)).toEqual(['video:h264', 'audio:aac']);
    const clipVideo = videoStream(await probe(clip))!;
    expect(Math.abs(info.duration - clipVideo.duration!)).toBeLessThanOrEqual(1 / clipVideo.fps!);
    const measured = (await loudness(result.out)).lufs;
    expect(Math.abs(measured + 14)).toBeLessThan(2);
    expect(result.loudness).toBeCloseTo(measured, 1);
  });

  it('a clip whose container states no duration: the soundtrack lasts as long as its picture (review R3)', async () => {
    const shared = await sharedMediaDir();
    if (!shared) {
      console.warn('skipping: ../shared/media is absent');
      return;
    }
    const clip = join(shared, 'odd', 'no_duration.webm');
    // Truth from the packets themselves: the last video frame's start plus its duration.
    const { stdout } = await execp(ffmpegPath(), ['-v', 'error', '-i', clip, '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-']);
    const tb = /#tb 0: (\d+)\/(\d+)/.exec(stdout)!;
    const last = stdout.trim().split('\n').at(-1)!.split(',').map((f) => Number(f.trim()));
    const pictureEnd = ((last[2] + last[3]) * Number(tb[1])) / Number(tb[2]);
    const result = await exportClipWithTrack({ clip, track: noise, out: join(tmp.dir, 'no-duration.mp4'), fade: 0 });
    expect(result.duration).toBeCloseTo(pictureEnd, 3);
    const out = await probe(result.out);
    const [v, a] = [videoStream(out)!, audioStream(out)!];
    expect(Math.abs(a.duration! - v.duration!)).toBeLessThan(0.03);
  });
});
