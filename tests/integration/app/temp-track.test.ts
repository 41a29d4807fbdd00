/**
 * The clip's own music (review R3.8), through the Engine on real files: five recordings of
 * ../shared/media scanned with the real indexer, and clips made here with ffmpeg — a test picture
 * under one library recording's audio from T = 12.3 s (the temp track), the same picture under
 * speech-like noise bursts, under silence, and with no audio stream. What each clip holds the test
 * knows because it made it, not from the engine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ClipMatch, RankedTrack } from '../../../electron/contract/types';
import { analyzeClip } from '../../../electron/engine/app/clip';
import { matchAnalysis, openMatchSession } from '../../../electron/engine/app/match';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { configureFfmpeg, ffmpegPath, ffprobePath } from '../../../electron/engine/media/ffmpeg-path';
import { needledropWithEnv } from '../../helpers/cli';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-temp-track-'));
const lib = join(root, 'lib');
const clips = join(root, 'clips');
const NAMES = [
  '147793__setuniman__sweet-waltz-0i-22mi.ogg',
  'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg',
  'admiralbob77_-_Choice_-_Drum-bass.ogg',
  'Kevin_MacLeod_-_Vibe_Ace.ogg',
  '442789__lena-orsa__happy-music-pistachio-ice-cream-ragtime.ogg',
];
/** The temp track: the waltz, heard in the clip from T seconds into it. */
const TEMP = join(lib, NAMES[0]);
const T = 12.3;
/** The lead-in clips: LEAD seconds of silence or speech-like noise, then the waltz from T. */
const LEAD = 3;
const CLIP_SECONDS = 20;
const clip = (name: string): string => join(clips, name);

let engine: Engine;
/** The temp clip ranked without the option. */
let plain: ClipMatch;
const match = async (file: string, extra: Record<string, unknown> = {}): Promise<ClipMatch> =>
  (await runJob(engine, 'match', { clips: [file], top: NAMES.length, provider: 'cpu', ...extra })).clips[0];
const order = (m: ClipMatch): string[] => m.results.map((r) => r.track.path);
const pictureOnly = (r: RankedTrack) => ({ path: r.track.path, score: r.score, offset: r.offset, alignScore: r.alignScore, beatShare: r.beatShare });

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

describe.skipIf(!media)("the clip's own music: said, and ranked by on request (R3.8)", () => {
  beforeAll(async () => {
    mkdirSync(lib, { recursive: true });
    mkdirSync(clips, { recursive: true });
    for (const f of NAMES) copyFileSync(join(media!, 'music', f), join(lib, f));
    // One picture under every sound (its stream copied), so the picture ranking is the same for all.
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=10:duration=${CLIP_SECONDS}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip('mute.mp4')]);
    const picture = ['-i', clip('mute.mp4')];
    const video = ['-map', '0:v', '-map', '1:a', '-c:v', 'copy'];
    ffmpeg([...picture, '-ss', String(T), '-i', TEMP, '-t', String(CLIP_SECONDS), ...video, '-c:a', 'aac', clip('temp.mp4')]);
    ffmpeg([...picture, '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', String(CLIP_SECONDS), ...video, '-c:a', 'aac', clip('silent.mp4')]);
    // Speech-like: band-passed noise in ~8 syllables a second, grouped in phrases with pauses (as finetune.test.ts).
    ffmpeg([
      ...picture,
      '-f', 'lavfi', '-i', `anoisesrc=r=44100:a=0.5:c=pink:s=12:d=${CLIP_SECONDS}`,
      '-af', "bandpass=f=800:width_type=h:w=1200,volume='if(lt(mod(t\\,0.25)\\,0.13)\\,1\\,0.02)*if(lt(mod(t\\,2.3)\\,1.5)\\,1\\,0.01)':eval=frame",
      '-t', String(CLIP_SECONDS), ...video, '-c:a', 'aac', clip('speech.mp4'),
    ]);
    // The waltz from T after LEAD s of silence, and after LEAD s of the speech-like noise.
    const waltz = `atrim=${T}:${T + CLIP_SECONDS - LEAD},asetpts=PTS-STARTPTS,aformat=sample_rates=44100:channel_layouts=mono`;
    ffmpeg([...picture, '-i', TEMP, '-filter_complex', `[1:a]${waltz},adelay=${LEAD * 1000}:all=1,apad=whole_dur=${CLIP_SECONDS}[a]`, '-map', '0:v', '-map', '[a]', '-c:v', 'copy', '-c:a', 'aac', '-t', String(CLIP_SECONDS), clip('lead-silence.mp4')]);
    ffmpeg([
      ...picture, '-i', TEMP,
      '-f', 'lavfi', '-i', `anoisesrc=r=44100:a=0.5:c=pink:s=12:d=${LEAD}`,
      '-filter_complex', `[2:a]bandpass=f=800:width_type=h:w=1200,volume='if(lt(mod(t\\,0.25)\\,0.13)\\,1\\,0.02)':eval=frame,aformat=sample_rates=44100:channel_layouts=mono[s];[1:a]${waltz}[m];[s][m]concat=n=2:v=0:a=1[a]`,
      '-map', '0:v', '-map', '[a]', '-c:v', 'copy', '-c:a', 'aac', '-t', String(CLIP_SECONDS), clip('lead-speech.mp4'),
    ]);
    engine = new Engine(contextFromEnv({}, { dataDir: join(root, 'data'), threads: 1 }));
    const report = await runJob(engine, 'library.scan', { folders: [lib], jobs: 2 });
    expect(report.failed).toEqual([]);
    plain = await match(clip('temp.mp4'));
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('without the option the ranking is the picture ranking of before, and the clip is said to have its own music', async () => {
    const m = plain;
    expect(m.soundtrack).toMatchObject({ kind: 'music' });
    expect(m.soundtrack?.ranked).toBeUndefined();
    expect(m.soundtrack?.seconds).toBeCloseTo(CLIP_SECONDS, 0);
    expect(m.soundtrack?.music).toBeGreaterThanOrEqual(0.5);
    expect(m.results.every((r) => r.why.tempTrack === undefined)).toBe(true);
    // The old path: the picture ranked with no sound at all, on a session of its own over the same catalog.
    const db = openCatalog(engine.ctx.catalogPath, { readonly: true });
    const session = await openMatchSession(db, { version: 'base', provider: 'cpu' });
    try {
      const before = await matchAnalysis(session, await analyzeClip(clip('temp.mp4')), { topK: NAMES.length });
      expect(m.results.map(pictureOnly)).toEqual(before.results.map(pictureOnly));
    } finally {
      await session.close();
      db.close();
    }
  }, 120_000);

  it('with the option the temp track ranks 1st at offset T ± 0.5 s, and every why states its weights and sums to its score', async () => {
    const m = await match(clip('temp.mp4'), { tempTrack: true });
    process.stderr.write(
      `temp track: rank without ${order(plain).indexOf(TEMP) + 1}, with ${order(m).indexOf(TEMP) + 1}; ` +
        m.results.map((r) => `${r.track.path.split('/').pop()?.slice(0, 12)} pic ${r.why.tempTrack?.picture} snd ${r.why.tempTrack?.sound}${r.why.tempTrack?.recording ? ` rec ${JSON.stringify(r.why.tempTrack.recording)}` : ''}`).join('; ') +
        '\n',
    );
    expect(m.soundtrack).toMatchObject({ kind: 'music', ranked: true });
    expect(m.results[0].track.path).toBe(TEMP);
    expect(Math.abs(m.results[0].offset - T)).toBeLessThanOrEqual(0.5);
    expect(m.results[0].why.tempTrack?.recording?.offset).toBe(m.results[0].offset);
    // Only the recording under the clip is said to be it.
    expect(m.results.filter((r) => r.why.tempTrack?.recording)).toHaveLength(1);
    const pictureScore = new Map(plain.results.map((r) => [r.track.path, r.score]));
    for (const r of m.results) {
      const w = r.why.tempTrack!;
      expect(w.pictureWeight).toBe(0.6);
      expect(w.soundWeight).toBe(0.4);
      expect(w.pictureWeight + w.soundWeight).toBe(1);
      // The picture part is the score the ranking without the option gave this track.
      expect(w.picture).toBe(pictureScore.get(r.track.path));
      expect(Math.abs(r.score - (w.pictureWeight * w.picture + w.soundWeight * w.sound))).toBeLessThanOrEqual(0.0015);
    }
    expect(m.results.map((r) => r.score)).toEqual([...m.results.map((r) => r.score)].sort((a, b) => b - a));
  }, 120_000);

  it('an In–Out range: the offset is where the temp track is at In (T + In)', async () => {
    const m = await match(clip('temp.mp4'), { tempTrack: true, start: 4, end: 16 });
    expect(m.results[0].track.path).toBe(TEMP);
    expect(Math.abs(m.results[0].offset - (T + 4))).toBeLessThanOrEqual(0.5);
  }, 120_000);

  it('speech-like, silent and mute clips: said in their kind, never ranked by (the ranking stays the picture one)', async () => {
    for (const [file, kind] of [
      ['speech.mp4', 'speech'],
      ['silent.mp4', 'silence'],
      ['mute.mp4', 'none'],
    ] as const) {
      const asked = await match(clip(file), { tempTrack: true });
      expect(asked.soundtrack?.kind, file).toBe(kind);
      expect(asked.soundtrack?.ranked, file).toBeUndefined();
      expect(asked.results.every((r) => r.why.tempTrack === undefined), file).toBe(true);
      expect(asked.results.map(pictureOnly), file).toEqual(plain.results.map(pictureOnly));
      if (kind === 'none') expect(asked.soundtrack).toEqual({ kind: 'none', seconds: 0 });
    }
  }, 240_000);

  it('the CLI: --temp-track says the clip has its own music and how it ranked by it; a clip with no audio stream says so', async () => {
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(root, 'data') }, 'match', clip('temp.mp4'), clip('mute.mp4'), '--temp-track', '--top', '2', '--provider', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const [temp, mute] = r.stdout.split(clip('mute.mp4'));
    expect(temp).toMatch(/sound: the clip has its own music: 20 s, music share \d\.\d\d; ranked by picture 0\.6 \+ sounds like the temp track 0\.4/);
    // The first result is the waltz at T, and its why says it is the temp track itself.
    const lines = temp.split('\n');
    const first = lines.findIndex((l) => /^\s+1\. /.test(l));
    expect(lines[first]).toMatch(/@\s+12\.[2-8] s/);
    expect(lines.slice(first, first + 4).join('\n')).toContain(TEMP);
    expect(temp).toMatch(/temp track: picture -?\d\.\d{3} × 0\.6 \+ sounds like the temp track -?\d\.\d{3} × 0\.4; the temp track itself, from 12\.\d s/);
    expect(mute).toMatch(/sound: the clip has no audio stream/);
    expect(mute).not.toMatch(/temp track:/);
  }, 240_000);

  it('a lead-in of silence or speech before the music: the temp track is still found, at its offset at the clip start (T − lead)', async () => {
    for (const file of ['lead-silence.mp4', 'lead-speech.mp4']) {
      const m = await match(clip(file), { tempTrack: true });
      const found = m.results.filter((r) => r.why.tempTrack?.recording);
      // The old alignment compared the lead-in too: after silence the waltz was not found (correlation under 0.85).
      expect(found.map((r) => r.track.path), file).toEqual([TEMP]);
      expect(Math.abs(found[0].offset - (T - LEAD)), file).toBeLessThanOrEqual(0.25);
    }
  }, 120_000);

  it('a clip is probed and decoded once: a re-rank of it (option toggled, a range inside on its rows, the same again) probes and decodes nothing', async () => {
    // A clip of its own (a copy: nothing of it kept yet), every ffmpeg and ffprobe start logged by a wrapper that then is the real tool.
    const file = clip('count.mp4');
    copyFileSync(clip('temp.mp4'), file);
    const log = join(root, 'starts.log');
    const wrap = (tool: string, real: string): string => {
      const w = join(root, `${tool}-logging.sh`);
      writeFileSync(w, `#!/bin/sh\necho "${tool} $*" >> '${log}'\nexec '${real}' "$@"\n`);
      chmodSync(w, 0o755);
      return w;
    };
    configureFfmpeg({ ffmpeg: wrap('ffmpeg', ffmpegPath()), ffprobe: wrap('ffprobe', ffprobePath()) });
    const starts = async (at: string, extra: Record<string, unknown>): Promise<{ probes: number; audio: number; picture: number; m: ClipMatch }> => {
      rmSync(log, { force: true });
      writeFileSync(log, '');
      const m = await match(at, extra);
      const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(at));
      const ffmpegWith = (map: string): number => lines.filter((l) => l.startsWith('ffmpeg ') && l.includes(`-map ${map}`)).length;
      // The picture: its descriptors' decode and its shot cuts' (each maps the first video stream).
      return { probes: lines.filter((l) => l.startsWith('ffprobe ')).length, audio: ffmpegWith('0:a:'), picture: ffmpegWith('0:V:'), m };
    };
    const count = (s: { probes: number; audio: number; picture: number }): number[] => [s.probes, s.audio, s.picture];
    const tempWhy = (m: ClipMatch) => m.results.map((r) => ({ path: r.track.path, score: r.score, offset: r.offset, why: r.why.tempTrack }));
    try {
      const plainFirst = await starts(file, {});
      // One probe, one audio decode; the picture decoded once for its descriptors and once for its shot cuts.
      expect(count(plainFirst)).toEqual([1, 1, 2]);
      expect(plainFirst.m.soundtrack).toEqual(plain.soundtrack);
      expect(plainFirst.m.results.map(pictureOnly)).toEqual(plain.results.map(pictureOnly));
      // The option ticked: the later phases from the PCM the plain ranking kept, the picture as analysed.
      // (Before: [1, 1, 2], the phases by one more decode and the picture probed and decoded again.)
      const toggled = await starts(file, { tempTrack: true });
      expect(count(toggled)).toEqual([0, 0, 0]);
      expect(toggled.m.results[0].track.path).toBe(TEMP);
      // The same ranking as a copy of the clip ranked with the option first (all four phases from its one decode).
      const fresh = clip('count-fresh.mp4');
      copyFileSync(clip('temp.mp4'), fresh);
      const direct = await starts(fresh, { tempTrack: true });
      expect(count(direct)).toEqual([1, 1, 2]);
      expect(tempWhy(toggled.m)).toEqual(tempWhy(direct.m));
      // A range inside the span starting on its 0.5 s rows, with and without the option: sliced, not decoded.
      const inside = await starts(file, { tempTrack: true, start: 4, end: 16 });
      expect(count(inside)).toEqual([0, 0, 0]);
      expect([inside.m.start, inside.m.end]).toEqual([4, 16]);
      expect(inside.m.results[0].track.path).toBe(TEMP);
      expect(Math.abs(inside.m.results[0].offset - (T + 4))).toBeLessThanOrEqual(0.5);
      const untoggled = await starts(file, { start: 4, end: 16 });
      expect(count(untoggled)).toEqual([0, 0, 0]);
      expect(untoggled.m.soundtrack).toMatchObject({ kind: 'music', seconds: 12 });
      // An In between the rows: the picture decoded for it (its start is the In asked), no probe; the whole span stays kept.
      const between = await starts(file, { start: 4.2, end: 16 });
      expect(count(between)).toEqual([0, 0, 2]);
      expect(between.m.start).toBe(4.2);
      // The whole clip again: the same ranking as its first, nothing probed or decoded.
      const again = await starts(file, {});
      expect(count(again)).toEqual([0, 0, 0]);
      expect(again.m.results.map(pictureOnly)).toEqual(plainFirst.m.results.map(pictureOnly));
      expect(again.m.summary).toEqual(plainFirst.m.summary);
    } finally {
      configureFfmpeg({});
    }
  }, 240_000);

  it('with sections the option is refused, saying why', async () => {
    await expect(match(clip('temp.mp4'), { tempTrack: true, sections: true })).rejects.toThrow(/temp-track ranking ranks the whole clip/);
  });
});
