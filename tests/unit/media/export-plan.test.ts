// Export's pure parts (request checks, where the track and its fades sit, ffmpeg's arguments) and
// its file handling, without running ffmpeg: each mutant of export.ts is killed in milliseconds
// here (tests/integration/export/ checks the same end to end on real media, minutes per run).
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  audioCodecOf,
  checkOutput,
  checkRequest,
  exportArgs,
  loudnessStage,
  loudnessWarning,
  loudnormArgs,
  measureArgs,
  parseEbur128Integrated,
  parseLoudnormJson,
  planSoundtrack,
  publish,
  removeStaleExportTemps,
  soundtrackFilter,
  videoArgs,
  type ExportCommand,
  type LoudnormMeasure,
  type SoundtrackPlan,
} from '../../../electron/engine/media/export';

const base = mkdtempSync(join(tmpdir(), 'nd-export-plan-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The filter's steps after its input label, as [name, {option: value}]. */
function steps(filter: string): [string, Record<string, string>][] {
  const m = /^\[1:a:0\](.*)\[a\]$/.exec(filter);
  expect(m, filter).not.toBeNull();
  // Split at commas outside quotes (aeval's expression has commas inside '…').
  const parts = m![1].match(/(?:[^,']|'[^']*')+/g)!;
  return parts.map((p) => {
    const eq = p.indexOf('=');
    const name = eq < 0 ? p : p.slice(0, eq);
    const opts: Record<string, string> = {};
    if (eq >= 0) for (const kv of p.slice(eq + 1).match(/(?:[^:']|'[^']*')+/g)!) {
      const [k, ...v] = kv.split('=');
      opts[k] = v.join('=');
    }
    return [name, opts];
  });
}

describe('soundtrackFilter', () => {
  it('normalises loudness first, then fades in at 0 and out ending at the audible end, then pads and trims to the clip', () => {
    const s = steps(soundtrackFilter(7.25, 10, 1.5, -16, 48000));
    expect(s.map(([n]) => n)).toEqual(['loudnorm', 'aformat', 'afade', 'afade', 'apad', 'atrim']);
    expect(s[0][1]).toEqual({ I: '-16', TP: '-1.5', LRA: '11' });
    expect(s[1][1]).toEqual({ sample_rates: '48000', channel_layouts: 'stereo' });
    expect(s[2][1]).toEqual({ t: 'in', st: '0', d: '1.500' });
    // Fade-out from 7.25 − 1.5 = 5.75 s: it ends where the track stops being heard, not at the clip's end (10 s).
    expect(s[3][1]).toEqual({ t: 'out', st: '5.750', d: '1.500' });
    expect(s[4][1]).toEqual({});
    expect(s[5][1]).toEqual({ end: '10.000' });
  });

  it('has no fades for fade 0, and silences NaN/Inf before anything else for float PCM', () => {
    expect(steps(soundtrackFilter(5, 5, 0, -14, 44100)).map(([n]) => n)).toEqual(['loudnorm', 'aformat', 'apad', 'atrim']);
    const f = steps(soundtrackFilter(5, 5, 0, -14, 44100, true));
    expect(f.map(([n]) => n)).toEqual(['aeval', 'loudnorm', 'aformat', 'apad', 'atrim']);
    expect(f[0][1]).toEqual({ exprs: "'if(isnan(val(ch))+isinf(val(ch)),0,val(ch))'", channel_layout: 'same' });
    expect(f[2][1].sample_rates).toBe('44100');
  });

  it('delays the track by its lead after the fades (which follow the track, not the clip), per channel', () => {
    const s = steps(soundtrackFilter(4, 10, 0.5, -14, 48000, false, 2.25));
    expect(s.map(([n]) => n)).toEqual(['loudnorm', 'aformat', 'afade', 'afade', 'adelay', 'apad', 'atrim']);
    expect(s[3][1]).toEqual({ t: 'out', st: '3.500', d: '0.500' });
    expect(s[4][1]).toEqual({ delays: '2250.000|2250.000' });
    expect(s[6][1]).toEqual({ end: '10.000' });
  });
});

describe('checkRequest', () => {
  const clip = join(base, 'clip.mp4');
  const track = join(base, 'song.flac');
  const ask = (o: Partial<Parameters<typeof checkRequest>[0]>) => checkRequest({ clip, track, out: join(base, 'out.mp4'), ...o });

  it('defaults: offset 0, fade 0.5 s, −14 LUFS, no overwrite; the output made absolute', () => {
    expect(checkRequest({ clip, track, out: 'rel/out.mp4' })).toEqual({
      offset: 0,
      lead: 0,
      fadeAsked: 0.5,
      loudness: -14,
      container: 'mp4',
      out: resolve('rel/out.mp4'),
      force: false,
    });
    expect(ask({ offset: 12.5, fade: 2, loudness: -23, force: true })).toMatchObject({ offset: 12.5, fadeAsked: 2, loudness: -23, force: true });
  });

  it('takes the range ends and refuses just past them or non-numbers, naming the option', () => {
    expect(ask({ offset: 0, fade: 0, loudness: -70 })).toMatchObject({ offset: 0, fadeAsked: 0, loudness: -70 });
    expect(ask({ fade: 60, loudness: -5 })).toMatchObject({ fadeAsked: 60, loudness: -5 });
    const bad: [Partial<Parameters<typeof checkRequest>[0]>, RegExp][] = [
      [{ offset: -0.001 }, /^offset must be a number in \[0, 9007199254740991\], got -0.001$/],
      [{ offset: Number.NaN }, /^offset must be/],
      [{ offset: Infinity }, /^offset must be/],
      [{ fade: -0.1 }, /^fade must be a number in \[0, 60\], got -0.1$/],
      [{ fade: 60.01 }, /^fade must be/],
      [{ loudness: -70.5 }, /^loudness must be a number in \[-70, -5\], got -70.5$/],
      [{ loudness: -4.9 }, /^loudness must be/],
    ];
    for (const [o, msg] of bad) expect(() => ask(o), JSON.stringify(o)).toThrow(expect.objectContaining({ kind: 'usage', message: expect.stringMatching(msg) }));
  });

  it('picks the container from the extension in any case, and refuses others listing the known ones', () => {
    const of = (name: string) => ask({ out: join(base, name) }).container;
    expect([of('a.mp4'), of('a.M4V'), of('a.mov'), of('a.MKV'), of('a.webm')]).toEqual(['mp4', 'mp4', 'mov', 'matroska', 'webm']);
    expect(() => ask({ out: join(base, 'a.avi') })).toThrow(expect.objectContaining({ kind: 'input', message: `${join(base, 'a.avi')}: output must end in .mp4, .m4v, .mov, .mkv, .webm` }));
  });

  it('refuses an output that is the clip or the track, however it is spelled', () => {
    const sameClip = join(base, 'x', '..', 'clip.mp4');
    expect(() => checkRequest({ clip, track, out: sameClip })).toThrow(expect.objectContaining({ kind: 'input', message: `${sameClip}: the output cannot be one of the inputs` }));
    expect(() => checkRequest({ clip, track: join(base, 't.mkv'), out: join(base, 't.mkv') })).toThrow(/cannot be one of the inputs/);
  });
});

describe('the clip time where the track plays from its offset (review R9: an In point after the offset)', () => {
  const clip = join(base, 'clip.mp4');
  const track = join(base, 'song.flac');
  const ask = (offset: number, start?: number) => checkRequest({ clip, track, out: join(base, 'out.mp4'), offset, ...(start === undefined ? {} : { start }) });

  it('reads the track from offset − start at the first frame, or begins it start − offset into the clip', () => {
    expect(ask(22, 12)).toMatchObject({ offset: 10, lead: 0 });
    expect(ask(3, 12)).toMatchObject({ offset: 0, lead: 9 });
    expect(ask(12, 12)).toMatchObject({ offset: 0, lead: 0 });
    expect(ask(7)).toMatchObject({ offset: 7, lead: 0 });
    expect(() => ask(1, -2)).toThrow(/start/);
  });

  it('hears the track for what is left of the clip after its lead, and refuses a lead past the clip', () => {
    const m = { statedVideo: 30, videoEnd: 30, statedAudio: 5.3, audioEnd: 5.3 };
    expect(planSoundtrack('c', 't', 0, 0.5, m, 12)).toMatchObject({ duration: 30, lead: 12, audible: 5.3, fade: 0.5 });
    expect(planSoundtrack('c', 't', 0, 0.5, { ...m, statedAudio: 60, audioEnd: 60 }, 12)).toMatchObject({ lead: 12, audible: 18 });
    expect(() => planSoundtrack('c', 't', 0, 0.5, m, 30)).toThrow('c: the track would begin at 30.00 s, at or after the end of the clip (30.00 s)');
  });
});

describe('planSoundtrack', () => {
  const lengths = (statedVideo: number, statedAudio: number, videoEnd: number | undefined = statedVideo, audioEnd: number | undefined = statedAudio) => ({
    statedVideo,
    videoEnd,
    statedAudio,
    audioEnd,
  });

  it('a long track: heard for the whole clip from the offset, fades as asked', () => {
    expect(planSoundtrack('c', 't', 30, 0.5, lengths(10, 180))).toEqual({ duration: 10, lead: 0, audible: 10, fade: 0.5, warnings: [] });
  });

  it('a track ending before the clip: heard up to its end, the fade capped at half of what is heard', () => {
    // 100 s track from 97 s: 3 s heard of a 10 s clip; a 2 s fade would overlap itself, so 1.5 s.
    expect(planSoundtrack('c', 't', 97, 2, lengths(10, 100))).toEqual({ duration: 10, lead: 0, audible: 3, fade: 1.5, warnings: [] });
    expect(planSoundtrack('c', 't', 97, 1.5, lengths(10, 100)).fade).toBe(1.5);
    expect(planSoundtrack('c', 't', 90, 1, lengths(10, 100))).toMatchObject({ audible: 10, fade: 1 });
  });

  it('an offset at or past the track end is an input error naming the track and its length', () => {
    for (const offset of [100, 100.5]) {
      expect(() => planSoundtrack('c', 'song.flac', offset, 0.5, lengths(10, 100))).toThrow(
        expect.objectContaining({ kind: 'input', file: 'song.flac', message: `song.flac: offset ${offset} s is at or past the end of the track (100.00 s long)` }),
      );
    }
    expect(planSoundtrack('c', 't', 99.9, 0.5, lengths(10, 100)).audible).toBeCloseTo(0.1, 9);
    // Review R24: --offset 70 --start 5 reached here as 65 and was reported so; the user's numbers are said.
    expect(() => planSoundtrack('c', 'song.flac', 65, 0.5, lengths(10, 61.46), 0, { offset: 70, start: 5 })).toThrow(
      expect.objectContaining({ file: 'song.flac', message: 'song.flac: offset 70 s (at clip 5 s) is at or past the end of the track (61.46 s long)' }),
    );
    expect(() => planSoundtrack('c', 'song.flac', 65, 0.5, lengths(10, 100, 10, 40), 0, { offset: 70, start: 5 })).toThrow(
      expect.objectContaining({ message: 'song.flac: the file is cut short: its audio ends at 40.00 s although it states 100.00 s, so offset 70 s (at clip 5 s) is past its real end' }),
    );
  });

  it('a clip whose video cannot be read at all is an input error naming the clip', () => {
    expect(() => planSoundtrack('clip.mp4', 't', 0, 0.5, { statedVideo: 10, videoEnd: undefined, statedAudio: 100, audioEnd: 100 })).toThrow(
      expect.objectContaining({ kind: 'input', file: 'clip.mp4', message: 'clip.mp4: the file is cut short: none of its video can be read' }),
    );
  });

  it('a clip cut short by more than 0.25 s exports its real length with a warning; within 0.25 s it is codec padding', () => {
    expect(planSoundtrack('clip.mp4', 't', 0, 0.5, lengths(10, 100, 6))).toEqual({
      duration: 6,
      lead: 0,
      audible: 6,
      fade: 0.5,
      warnings: ['clip.mp4: the file is cut short (video ends at 6.00 s of the 10.00 s it states); the export is 6.00 s long'],
    });
    expect(planSoundtrack('clip.mp4', 't', 0, 0.5, lengths(10, 100, 9.8))).toMatchObject({ duration: 10, warnings: [] });
    expect(planSoundtrack('clip.mp4', 't', 0, 0.5, lengths(10, 100, 9.74))).toMatchObject({ duration: 9.74 });
    expect(planSoundtrack('clip.mp4', 't', 0, 0.5, lengths(10, 100, 9.76))).toMatchObject({ duration: 10 });
  });

  it('a track cut short: its real end counts, an offset past it fails naming the cut, running past it warns', () => {
    // States 100 s, packets end at 40 s.
    expect(() => planSoundtrack('c', 'song.flac', 50, 0.5, lengths(10, 100, 10, 40))).toThrow(
      expect.objectContaining({ file: 'song.flac', message: 'song.flac: the file is cut short: its audio ends at 40.00 s although it states 100.00 s, so offset 50 s is past its real end' }),
    );
    expect(planSoundtrack('c', 'song.flac', 36, 0.5, lengths(10, 100, 10, 40))).toEqual({
      duration: 10,
      lead: 0,
      audible: 4,
      fade: 0.5,
      warnings: ['song.flac: the file is cut short (audio ends at 40.00 s of the 100.00 s it states); the track fades out at 4.00 s of the clip and silence fills the rest'],
    });
    // Cut short but everything the clip needs is there: no warning.
    expect(planSoundtrack('c', 'song.flac', 10, 0.5, lengths(10, 100, 10, 40))).toEqual({ duration: 10, lead: 0, audible: 10, fade: 0.5, warnings: [] });
    // Ends 0.2 s early: codec padding, not a cut; an unknown end trusts the stated length.
    expect(planSoundtrack('c', 't', 95, 0.5, lengths(10, 100, 10, 99.8))).toMatchObject({ audible: 5, warnings: [] });
    expect(planSoundtrack('c', 't', 95, 0.5, lengths(10, 100, 10, 99.74)).audible).toBeCloseTo(4.74, 9);
    expect(planSoundtrack('c', 't', 95, 0.5, { statedVideo: 10, videoEnd: 10, statedAudio: 100, audioEnd: undefined })).toMatchObject({ audible: 5, warnings: [] });
  });

  it('no warning when the track would have ended within the clip anyway (its stated end is no later than its real one plus the cut)', () => {
    // States 42 s, ends at 41.5: cut short by 0.5 s; from 35 s the clip (10 s) runs past both ends.
    const p = planSoundtrack('c', 't', 35, 0.5, lengths(10, 42, 10, 41.5));
    expect(p.audible).toBeCloseTo(6.5, 9);
    expect(p.warnings).toHaveLength(1);
    // States 41.5 s and holds it all: nothing cut, nothing to warn about.
    expect(planSoundtrack('c', 't', 35, 0.5, lengths(10, 41.5, 10, 41.5)).warnings).toEqual([]);
  });
});

describe('exportArgs and videoArgs', () => {
  const plan: SoundtrackPlan = { duration: 10, lead: 0, audible: 7.25, fade: 1.5, warnings: [] };
  const cmd = (o: Partial<ExportCommand> = {}): ExportCommand => ({
    clip: 'in/clip.mp4',
    track: 'in/song.flac',
    part: '/tmp/x/out.mp4',
    offset: 42.125,
    loudness: -14,
    container: 'mp4',
    videoIndex: 2,
    videoCodec: 'h264',
    trackCodec: 'flac',
    ...o,
  });

  it('reads the clip first, then the track from the offset for the audible part, maps the clip video and the filtered sound', () => {
    expect(exportArgs(cmd(), plan)).toEqual([
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-i', `file:${resolve('in/clip.mp4')}`,
      '-ss', '42.125', '-t', '7.250', '-i', `file:${resolve('in/song.flac')}`,
      '-filter_complex', soundtrackFilter(7.25, 10, 1.5, -14, 48000),
      '-map', '0:2', '-map', '[a]',
      '-map_metadata', '0',
      '-c:v', 'copy',
      '-c:a', 'aac', '-b:a', '192k',
      '-movflags', '+faststart',
      '-f', 'mp4', 'file:/tmp/x/out.mp4',
    ]);
  });

  it('float PCM tracks get the NaN/Inf guard; webm gets Opus and no faststart; mkv no faststart', () => {
    const at = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
    expect(at(exportArgs(cmd({ trackCodec: 'pcm_f32le' }), plan), '-filter_complex')).toBe(soundtrackFilter(7.25, 10, 1.5, -14, 48000, true));
    expect(at(exportArgs(cmd({ trackCodec: 'pcm_s16le' }), plan), '-filter_complex')).toBe(soundtrackFilter(7.25, 10, 1.5, -14, 48000, false));
    const webm = exportArgs(cmd({ container: 'webm', videoCodec: 'vp9', part: '/o.webm' }), plan);
    expect(webm.slice(webm.indexOf('-c:v'))).toEqual(['-c:v', 'copy', '-c:a', 'libopus', '-b:a', '160k', '-f', 'webm', 'file:/o.webm']);
    const mov = exportArgs(cmd({ container: 'mov' }), plan);
    expect(mov).toContain('-movflags');
    const mkv = exportArgs(cmd({ container: 'matroska', part: '/o.mkv' }), plan);
    expect(mkv.slice(mkv.indexOf('-c:v'))).toEqual(['-c:v', 'copy', '-c:a', 'aac', '-b:a', '192k', '-f', 'matroska', 'file:/o.mkv']);
  });

  it('webm carries Opus, every other container AAC', () => {
    expect(audioCodecOf('webm')).toBe('opus');
    for (const c of ['mp4', 'mov', 'matroska'] as const) expect(audioCodecOf(c)).toBe('aac');
  });

  it('copies video a container takes as it is and re-encodes the rest (VP9 for webm, H.264 elsewhere)', () => {
    const copies: [Parameters<typeof videoArgs>[0], string[], string[]][] = [
      ['mp4', ['h264', 'hevc', 'mpeg4', 'av1', 'vp9'], ['prores', 'vp8', 'mjpeg']],
      ['mov', ['h264', 'hevc', 'mpeg4', 'prores', 'mjpeg'], ['vp9', 'av1']],
      ['webm', ['vp8', 'vp9', 'av1'], ['h264', 'hevc']],
      ['matroska', ['h264', 'prores', 'ffv1', 'anything'], []],
    ];
    for (const [container, yes, no] of copies) {
      for (const codec of yes) expect(videoArgs(container, codec), `${container} ${codec}`).toEqual({ args: ['-c:v', 'copy'], copied: true });
      for (const codec of no) {
        const v = videoArgs(container, codec);
        expect(v.copied, `${container} ${codec}`).toBe(false);
        expect(v.args[1]).toBe(container === 'webm' ? 'libvpx-vp9' : 'libx264');
      }
    }
    expect(videoArgs('webm', 'h264').args).toEqual(['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-pix_fmt', 'yuv420p']);
    expect(videoArgs('mp4', 'prores').args).toEqual(['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p']);
  });

  it('a rotated clip is copied only into MP4/MOV (which keep the display matrix); into Matroska/WebM it is re-encoded upright (review R17)', () => {
    for (const rotation of [90, 180, 270]) {
      expect(videoArgs('mp4', 'h264', rotation)).toEqual({ args: ['-c:v', 'copy'], copied: true });
      expect(videoArgs('mov', 'h264', rotation)).toEqual({ args: ['-c:v', 'copy'], copied: true });
      expect(videoArgs('matroska', 'h264', rotation)).toEqual(videoArgs('mp4', 'prores'));
      expect(videoArgs('webm', 'vp9', rotation)).toEqual(videoArgs('webm', 'h264'));
    }
    for (const rotation of [0, 360]) {
      expect(videoArgs('matroska', 'h264', rotation).copied).toBe(true);
      expect(videoArgs('webm', 'vp9', rotation).copied).toBe(true);
    }
    expect(at(exportArgs(cmd({ container: 'matroska', part: '/o.mkv', rotation: 90 }), plan), '-c:v')).toBe('libx264');
    expect(at(exportArgs(cmd({ container: 'matroska', part: '/o.mkv', rotation: 0 }), plan), '-c:v')).toBe('copy');
  });

  it('the export run applies the first pass\'s measurement', () => {
    const measured = { i: -24, tp: -20, lra: 5, thresh: -34, offset: 0.5 };
    expect(at(exportArgs(cmd({ measured }), plan), '-filter_complex')).toBe(soundtrackFilter(7.25, 10, 1.5, -14, 48000, false, 0, measured));
    expect(at(exportArgs(cmd({ measured }), plan), '-filter_complex')).toContain('volume=10.00dB');
  });
});

const at = (args: string[], flag: string): string => args[args.indexOf(flag) + 1];

describe('loudness: the two passes and the measured result (review R12)', () => {
  const m = (o: Partial<LoudnormMeasure> = {}): LoudnormMeasure => ({ i: -24, tp: -10, lra: 5, thresh: -34, offset: 0.5, ...o });
  const report = (fields: Record<string, string>): string =>
    `[Parsed_loudnorm_0 @ 0x5581] \n{\n${Object.entries(fields).map(([k, v]) => `\t"${k}" : "${v}"`).join(',\n')}\n}\n`;
  const good = { input_i: '-21.59', input_tp: '-3.56', input_lra: '4.40', input_thresh: '-31.61', output_i: '-14.22', output_tp: '-1.50', output_lra: '1.10', output_thresh: '-24.22', normalization_type: 'dynamic', target_offset: '0.22' };

  it('reads the last loudnorm report; refuses one loudnorm would not take back (silence measures -inf)', () => {
    expect(parseLoudnormJson(`Input #0…\n${report(good)}`)).toEqual({ i: -21.59, tp: -3.56, lra: 4.4, thresh: -31.61, offset: 0.22 });
    expect(parseLoudnormJson(report({ ...good, input_i: '-30' }) + report(good))?.i).toBe(-21.59);
    expect(parseLoudnormJson(report({ ...good, input_i: '-inf' }))).toBeUndefined();
    for (const [k, v] of [['input_i', '-99.5'], ['input_i', '0.5'], ['input_tp', '-100'], ['input_tp', '99.5'], ['input_lra', '-0.1'], ['input_lra', '99.5'], ['input_thresh', '-99.5'], ['input_thresh', '0.1'], ['target_offset', '-99.5'], ['target_offset', '99.5']]) {
      expect(parseLoudnormJson(report({ ...good, [k]: v })), `${k} ${v}`).toBeUndefined();
    }
    for (const [k, v] of [['input_i', '-99'], ['input_i', '0'], ['input_tp', '99'], ['input_lra', '0'], ['input_thresh', '0'], ['target_offset', '-99']]) {
      expect(parseLoudnormJson(report({ ...good, [k]: v })), `${k} ${v}`).toBeDefined();
    }
    expect(parseLoudnormJson('no report here')).toBeUndefined();
    expect(parseLoudnormJson('{ "input_i" : "-20", }')).toBeUndefined();
  });

  it('reads ebur128\'s summary, not its per-block lines', () => {
    const text = [
      '[Parsed_ebur128_0 @ 0x55] t: 0.4  TARGET:-23 LUFS    M: -18.2 S:-120.7     I: -18.2 LUFS       LRA:   0.0 LU',
      '[Parsed_ebur128_0 @ 0x55] Summary:',
      '',
      '  Integrated loudness:',
      '    I:         -15.6 LUFS',
      '    Threshold: -25.9 LUFS',
    ].join('\n');
    expect(parseEbur128Integrated(text)).toBe(-15.6);
    expect(parseEbur128Integrated(text.replace('-15.6', '-70.0'))).toBe(-70);
    expect(parseEbur128Integrated(text.split('\n')[0])).toBeUndefined();
    expect(parseEbur128Integrated(`${text}\n    I:          -9.0 LUFS`)).toBe(-9);
  });

  it('a linear gain when the first pass says the peaks allow it; else loudnorm, told what it measured', () => {
    expect(loudnessStage(-14, 10)).toBe(loudnormArgs(-14));
    expect(loudnormArgs(-14)).toBe('loudnorm=I=-14:TP=-1.5:LRA=11');
    // −24 → −14 LUFS is +10 dB: a peak at −11.5 dBTP lands on the −1.5 ceiling (allowed), at −11.49 over it.
    expect(loudnessStage(-14, 10, m({ tp: -11.5 }))).toBe('volume=10.00dB');
    const over = m({ tp: -11.49 });
    expect(loudnessStage(-14, 10, over)).toBe(loudnormArgs(-14, over));
    expect(loudnormArgs(-14, over)).toBe('loudnorm=I=-14:TP=-1.5:LRA=11:measured_I=-24:measured_TP=-11.49:measured_LRA=5:measured_thresh=-34:offset=0.5:linear=true');
    // Under loudnorm's 3 s window: the most the peaks allow, −1.5 − (−11.49) = 9.99 dB, not its dynamic mode.
    expect(loudnessStage(-14, 2.99, over)).toBe('volume=9.99dB');
    expect(loudnessStage(-14, 3, over)).toBe(loudnormArgs(-14, over));
    // Turning down is a linear gain too; near-silence (under −60 LUFS) is never raised linearly.
    expect(loudnessStage(-20, 10, m({ i: -9.5, tp: -0.2 }))).toBe('volume=-10.50dB');
    expect(loudnessStage(-14, 10, m({ i: -60, tp: -80 }))).toBe('volume=46.00dB');
    expect(loudnessStage(-14, 10, m({ i: -60.01, tp: -80 }))).toBe(loudnormArgs(-14, m({ i: -60.01, tp: -80 })));
    expect(loudnessStage(-14, 1, m({ i: -60.01, tp: -80 }))).toBe(loudnormArgs(-14, m({ i: -60.01, tp: -80 })));
    const s = steps(soundtrackFilter(5, 5, 0, -14, 48000, false, 0, m({ tp: -20 })));
    expect(s.map(([n]) => n)).toEqual(['volume', 'aformat', 'apad', 'atrim']);
  });

  it('the first pass reads the heard part as the export does, faded as it will be, and only measures', () => {
    expect(measureArgs('in/song.flac', 42.125, 7.25, 1.5, -16, false)).toEqual([
      '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
      '-ss', '42.125', '-t', '7.250', '-i', `file:${resolve('in/song.flac')}`,
      '-map', '0:a:0', '-af', 'afade=t=in:st=0:d=1.500,afade=t=out:st=5.750:d=1.500,loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json',
      '-f', 'null', '-',
    ]);
    const guarded = measureArgs('x.wav', 0, 5, 0, -14, true);
    expect(at(guarded, '-af')).toBe("aeval=exprs='if(isnan(val(ch))+isinf(val(ch)),0,val(ch))':channel_layout=same,loudnorm=I=-14:TP=-1.5:LRA=11:print_format=json");
  });

  it('warns, naming the track, only when the written file measures more than 2 LU under the target', () => {
    expect(loudnessWarning('t.ogg', -16, -14, m())).toBeUndefined();
    expect(loudnessWarning('t.ogg', -12, -14, m())).toBeUndefined();
    expect(loudnessWarning('t.ogg', -16.1, -14, m())).toBe(
      't.ogg: the soundtrack measures -16.1 LUFS, 2.1 LU under the -14 LUFS target: the track is too short or too dynamic there to raise further without clipping its peaks',
    );
    expect(loudnessWarning('t.ogg', -70, -14, m())).toBe('t.ogg: the soundtrack measures -70.0 LUFS, 56.0 LU under the -14 LUFS target: the track is near-silent there');
    expect(loudnessWarning('t.ogg', -40, -14, undefined)).toMatch(/near-silent there$/);
  });

  it('names the fades when the music without them would have been within 2 LU of the target (session 17 F1.6)', () => {
    // -19.1 + 5.2 = -13.9: the fades are the shortfall.
    expect(loudnessWarning('t.ogg', -19.1, -14, m(), { fade: 4.8, audible: 9.64, lu: 5.2 })).toBe(
      "t.ogg: the soundtrack measures -19.1 LUFS, 5.1 LU under the -14 LUFS target: the 4.80 s fades in and out of 9.64 s of music take 5.2 LU off it, and the track's peaks leave no room to raise the rest to make up for them: shorter fades come closer",
    );
    // -19.1 + 3.0 = -16.1: still more than 2 LU short without them; the track is the cause.
    expect(loudnessWarning('t.ogg', -19.1, -14, m(), { fade: 2, audible: 9.64, lu: 3 })).toMatch(/too short or too dynamic there/);
    expect(loudnessWarning('t.ogg', -19.1, -14, m(), { fade: 0, audible: 9.64, lu: 5.2 })).toMatch(/too short or too dynamic there/);
  });
});

describe('output files', () => {
  let n = 0;
  const fresh = (): string => {
    const d = join(base, `d${n++}`);
    mkdirSync(d);
    return d;
  };

  it('checkOutput: the folder must exist and be a folder, the output not a folder, and not exist unless forced', async () => {
    const d = fresh();
    await expect(checkOutput(join(d, 'new.mp4'), 'new.mp4', false)).resolves.toBeUndefined();
    await expect(checkOutput(join(d, 'no', 'o.mp4'), 'given.mp4', false)).rejects.toMatchObject({ kind: 'input', file: 'given.mp4', message: `given.mp4: its folder ${join(d, 'no')} does not exist` });
    writeFileSync(join(d, 'f'), 'x');
    await expect(checkOutput(join(d, 'f', 'o.mp4'), 'g', false)).rejects.toMatchObject({ kind: 'input', message: `g: ${join(d, 'f')} is a file, not a folder` });
    await expect(checkOutput(join(d, 'f', 'sub', 'o.mp4'), 'g', false)).rejects.toMatchObject({ kind: 'input', message: `g: ${join(d, 'f', 'sub')} is under a file, not a folder` });
    mkdirSync(join(d, 'dir.mp4'));
    await expect(checkOutput(join(d, 'dir.mp4'), 'g', true)).rejects.toMatchObject({ kind: 'input', message: 'g: is a folder; give a file name for the output' });
    writeFileSync(join(d, 'old.mp4'), 'x');
    await expect(checkOutput(join(d, 'old.mp4'), 'g', false)).rejects.toMatchObject({ kind: 'input', code: 'exists', message: 'g: already exists' });
    await expect(checkOutput(join(d, 'old.mp4'), 'g', true)).resolves.toBeUndefined();
    // Any other reason the folder cannot be used is named with its code (a link loop here).
    symlinkSync(join(d, 'loop-b'), join(d, 'loop-a'));
    symlinkSync(join(d, 'loop-a'), join(d, 'loop-b'));
    await expect(checkOutput(join(d, 'loop-a', 'o.mp4'), 'g', false)).rejects.toMatchObject({ kind: 'input', message: `g: cannot use its folder ${join(d, 'loop-a')} (a symbolic link loop)` });
  });

  it('publish: links to a new name and refuses an existing one; force replaces it', async () => {
    const d = fresh();
    writeFileSync(join(d, 'part'), 'new');
    await publish(join(d, 'part'), join(d, 'out.mp4'), 'out.mp4', false);
    expect(readFileSync(join(d, 'out.mp4'), 'utf8')).toBe('new');
    writeFileSync(join(d, 'part2'), 'newer');
    await expect(publish(join(d, 'part2'), join(d, 'out.mp4'), 'out.mp4', false)).rejects.toMatchObject({ code: 'exists', file: 'out.mp4', message: 'out.mp4: already exists' });
    // Other failures pass through as they are (not reported as an existing output).
    await expect(publish(join(d, 'missing'), join(d, 'new.mp4'), 'new.mp4', false)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readFileSync(join(d, 'out.mp4'), 'utf8')).toBe('new');
    await publish(join(d, 'part2'), join(d, 'out.mp4'), 'out.mp4', true);
    expect(readFileSync(join(d, 'out.mp4'), 'utf8')).toBe('newer');
  });

  it('removeStaleExportTemps: removes folders of dead exports only; ours, live ones, links and others stay', async () => {
    const d = fresh();
    const dead = spawnSync('true').pid!; // exited: its pid is free (pid reuse within this test is not a concern)
    const names = {
      dead: `.needledrop-export-${dead}-abc`,
      lookalike: `backup.needledrop-export-${dead}-abc`, // not ours: the name must start with the prefix
      ours: `.needledrop-export-${process.pid}-abc`,
      live: `.needledrop-export-1-abc`, // init: alive, even if not ours to signal
      other: 'needledrop-export-5-x',
    };
    for (const name of Object.values(names)) mkdirSync(join(d, name));
    writeFileSync(join(d, names.dead, 'part.mp4'), 'x');
    const target = fresh();
    symlinkSync(target, join(d, `.needledrop-export-${dead}-link`));
    expect(await removeStaleExportTemps(d)).toEqual([join(d, names.dead)]);
    for (const k of ['ours', 'live', 'other', 'lookalike'] as const) expect(lstatSync(join(d, names[k])).isDirectory()).toBe(true);
    expect(lstatSync(join(d, `.needledrop-export-${dead}-link`)).isSymbolicLink()).toBe(true);
    expect(await removeStaleExportTemps(join(d, 'missing'))).toEqual([]);
  });
});
