/**
 * Gradual transitions count once (features/transitions.ts): clips built by ffmpeg from lavfi
 * pictures (testsrc2, mandelbrot, a colour with a moving box), joined by xfade's fade, dissolve,
 * wipeleft and fadeblack of known offsets and lengths, must read one cut per transition within a
 * frame of its middle (review R3.2/R3.14: a 1 s cross-fade read 0–3 cuts, a fade through black 3–4,
 * a dissolve or a wipe none). Real hard cuts 2 and 3 frames apart stay two, and the corpus
 * generator's "life" pictures, which update every few frames, read their planned cuts, not one per
 * update (44 for 8 before).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../../electron/engine/corpus/plan';
import type { CorpusPair } from '../../../electron/engine/corpus/types';
import { videoCodecArgs, videoGraph } from '../../../electron/engine/corpus/video';
import { detectShotCuts } from '../../../electron/engine/features/shot-cuts';
import { ffmpeg, hardCuts, tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-gradual-');
});
afterAll(async () => {
  await tmp.cleanup();
});

const SIZE = '320x180';

/** Moving lavfi pictures, each unlike the others. */
function picture(kind: string, fps: number, seconds: number): string {
  const pictures: Record<string, string> = {
    testsrc2: `testsrc2=s=${SIZE}:r=${fps}:d=${seconds}`,
    mandelbrot: `mandelbrot=s=${SIZE}:r=${fps},trim=duration=${seconds}`,
    box: `color=c=0x3060c0:s=${SIZE}:r=${fps}:d=${seconds},drawbox=x='mod(t*60\\,200)':y=20:w=16:h=16:c=yellow:t=fill`,
    bars: `smptehdbars=s=${SIZE}:r=${fps}:d=${seconds},hue=H=t`,
  };
  return pictures[kind];
}

interface Join {
  /** An xfade transition's name. */
  type: string;
  seconds: number;
}

/**
 * Shots of `shots[i].seconds` each, joined by `joins[i]` (xfade); returns the file and each
 * transition's middle: xfade's offset is where it starts on the output (that frame is still the
 * old shot's), its frames after it up to offset + length are mixes and then the new shot's first
 * (a cut is the first frame of the new shot); the middle one of those.
 */
async function transitions(name: string, fps: number, shots: Array<{ kind: string; seconds: number }>, joins: Join[]): Promise<{ file: string; middles: number[] }> {
  const inputs = shots.flatMap((s) => ['-f', 'lavfi', '-i', picture(s.kind, fps, s.seconds)]);
  const graph: string[] = shots.map((_, i) => `[${i}]settb=AVTB,format=yuv420p[s${i}]`);
  const middles: number[] = [];
  let last = 's0';
  let end = shots[0].seconds;
  joins.forEach((j, i) => {
    const offset = end - j.seconds;
    middles.push((Math.round(offset * fps) + Math.ceil((Math.round(j.seconds * fps) + 1) / 2)) / fps);
    graph.push(`[${last}][s${i + 1}]xfade=transition=${j.type}:duration=${j.seconds}:offset=${offset}[x${i}]`);
    last = `x${i}`;
    end = offset + shots[i + 1].seconds;
  });
  const file = await ffmpeg([...inputs, '-filter_complex', graph.join(';'), '-map', `[${last}]`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], join(tmp.dir, name));
  return { file, middles };
}

/** One cut per transition, each within `frames` frames of its transition's middle. */
function expectOnePerTransition(cuts: number[], middles: number[], fps: number, frames = 1): void {
  expect(cuts, `cuts ${cuts.join(', ')} for transitions at ${middles.join(', ')}`).toHaveLength(middles.length);
  cuts.forEach((c, i) => expect(Math.abs(c - middles[i]), `cut ${c} for the transition at ${middles[i]}`).toBeLessThanOrEqual(frames / fps + 1e-6));
}

describe('gradual transitions', () => {
  it('a fade, a dissolve, a wipe and a fade through black of 1 s read one cut each, at their middles (25 fps)', async () => {
    const { file, middles } = await transitions(
      'four.mp4',
      25,
      [
        { kind: 'testsrc2', seconds: 4 },
        { kind: 'mandelbrot', seconds: 4 },
        { kind: 'box', seconds: 4 },
        { kind: 'testsrc2', seconds: 4 },
        { kind: 'mandelbrot', seconds: 3 },
      ],
      ['fade', 'dissolve', 'wipeleft', 'fadeblack'].map((type) => ({ type, seconds: 1 })),
    );
    const found = await detectShotCuts(file);
    expect(found.fps).toBe(25);
    expectOnePerTransition(found.cuts, middles, 25);
  }, 120_000);

  // Slower or busier: the 2 s fade's steps at 64 px are below the moving testsrc2's, whose motion
  // it mixes in as it goes, and the dissolve leaves hue-turning bars; both are placed a little late.
  it('a 0.5 s dissolve and a 2 s cross-fade read one cut each, within 0.1 s of their middles (30 fps)', async () => {
    const { file, middles } = await transitions(
      'short-long.mp4',
      30,
      [
        { kind: 'bars', seconds: 3 },
        { kind: 'box', seconds: 4 },
        { kind: 'testsrc2', seconds: 4 },
      ],
      [{ type: 'dissolve', seconds: 0.5 }, { type: 'fade', seconds: 2 }],
    );
    expectOnePerTransition((await detectShotCuts(file)).cuts, middles, 30, 3);
  }, 120_000);

  it('a range that begins inside a transition finds the whole clip’s cut there', async () => {
    const { file, middles } = await transitions(
      'range.mp4',
      25,
      [
        { kind: 'box', seconds: 6 },
        { kind: 'testsrc2', seconds: 6 },
      ],
      [{ type: 'fade', seconds: 1 }],
    );
    const whole = await detectShotCuts(file);
    expectOnePerTransition(whole.cuts, middles, 25);
    const part = await detectShotCuts(file, { range: { start: middles[0] - 0.2, end: middles[0] + 3 } });
    expect(part.span).toBeDefined();
    expect(part.cuts.filter((c) => c >= part.span!.from && c <= part.span!.to)).toEqual(whole.cuts.filter((c) => c >= part.span!.from && c <= part.span!.to));
  }, 120_000);
});

describe('hard cuts close together stay apart', () => {
  it('shots of 2 and 3 frames between moving pictures read 2 cuts each', async () => {
    const fps = 25;
    // Frames: 60 of testsrc2, 2 of mandelbrot, 60 of the box, 3 of testsrc2, 60 of mandelbrot.
    const frames = [60, 2, 60, 3, 60];
    const kinds = ['testsrc2', 'mandelbrot', 'box', 'testsrc2', 'mandelbrot'];
    const inputs = kinds.flatMap((k) => ['-f', 'lavfi', '-i', picture(k, fps, 3)]);
    const parts = frames.map((f, i) => `[${i}]trim=start_frame=${i * 7}:end_frame=${i * 7 + f},setpts=PTS-STARTPTS,format=yuv420p[s${i}]`);
    const graph = `${parts.join(';')};${frames.map((_, i) => `[s${i}]`).join('')}concat=n=${frames.length}:v=1:a=0[v]`;
    const file = await ffmpeg([...inputs, '-filter_complex', graph, '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'], join(tmp.dir, 'close.mp4'));
    const truth = frames.slice(0, -1).map((_, i) => frames.slice(0, i + 1).reduce((a, b) => a + b, 0) / fps);
    const found = await detectShotCuts(file);
    expect(found.cuts, `found ${found.cuts.join(', ')}, built ${truth.join(', ')}`).toHaveLength(truth.length);
    found.cuts.forEach((c, i) => expect(Math.abs(c - truth[i])).toBeLessThanOrEqual(1 / fps + 1e-6));
  }, 120_000);

  it('one-colour shots of 2 and 3 frames, from dark to light, read 2 cuts each', async () => {
    const fps = 25;
    // hardCuts' shot colours run dark blue, yellow, green, red, grey: the middle shots lie between their neighbours in no channel.
    const cuts = [2.0, 2.08, 4.0, 4.12];
    const file = await hardCuts(tmp.dir, { seconds: 6, cuts, fps, name: 'close-colours.mp4' });
    const found = await detectShotCuts(file);
    expect(found.cuts, `found ${found.cuts.join(', ')}`).toHaveLength(cuts.length);
    found.cuts.forEach((c, i) => expect(Math.abs(c - cuts[i])).toBeLessThanOrEqual(1 / fps + 1e-6));
  }, 120_000);
});

describe('a picture that updates every few frames', () => {
  // The corpus generator's own "life" clips (24 fps, a generation every 2–9 frames, held between):
  // arousal 0.3 and 0.5 read 44 and 52 cuts for their 8 before.
  it.each([
    [0.3, 99],
    [0.5, 7],
  ])('the corpus’s life clip (arousal %f, seed %i) reads its planned cuts, not its generations', async (arousal, seed) => {
    const opts = { ...DEFAULT_OPTIONS, pairs: 1 };
    const planned = [1.2, 2.4, 3.6, 4.8, 6.0, 7.2, 8.4, 9.6];
    const pair = {
      id: 'life',
      latent: { arousal, valence: 0.5, pace: 0.5 },
      split: 'test',
      video: '',
      music: '',
      nuisance: { style: 'life', cuts: planned, hue: 30, saturation: 0.5, lightness: 0.5, videoSeed: seed, videoContainer: 'mp4' },
    } as unknown as CorpusPair;
    const file = await ffmpeg(['-filter_complex', videoGraph(pair, opts), '-map', '[v]', ...videoCodecArgs('mp4', opts.fps)], join(tmp.dir, `life-${seed}.mp4`));
    const found = await detectShotCuts(file);
    // A fresh board's first generations change as much as a cut, so one or two more may be read; not one per generation.
    expect(found.cuts.length, found.cuts.join(', ')).toBeGreaterThanOrEqual(planned.length);
    expect(found.cuts.length, found.cuts.join(', ')).toBeLessThanOrEqual(planned.length + 2);
    const onFrame = planned.filter((p) => found.cuts.some((c) => Math.abs(c - Math.round(p * 24) / 24) <= 1 / 24 + 1e-6));
    expect(onFrame.length, `planned ${planned.join(', ')}, found ${found.cuts.join(', ')}`).toBeGreaterThanOrEqual(planned.length - 2);
  }, 120_000);
});
