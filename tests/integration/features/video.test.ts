import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from '../../../electron/engine/features/extract';
import { VIDEO_SPEC } from '../../../electron/engine/features/spec';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { extractVideoFeatures } from '../../../electron/engine/features/video';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-video-'));
});
afterAll(() => cleanup?.());

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function column(seq: FeatureSeq, name: string): number[] {
  const c = seq.names.indexOf(name);
  expect(c).toBeGreaterThanOrEqual(0);
  return Array.from({ length: seq.T }, (_, t) => seq.data[t * seq.D + c]);
}

describe('video descriptors', () => {
  it('tells black from white by luminance, with no colour, motion or edges', async () => {
    const black = await extractVideoFeatures(await gen.solidVideo(dir, { color: 'black', seconds: 2 }));
    const white = await extractVideoFeatures(await gen.solidVideo(dir, { color: 'white', seconds: 2 }));
    expect(black.seq).toMatchObject({ T: 4, D: VIDEO_SPEC.names.length, spec: VIDEO_SPEC.version });
    for (const v of column(black.seq, 'luma_mean')) expect(v).toBeLessThan(0.05);
    for (const v of column(white.seq, 'luma_mean')) expect(v).toBeGreaterThan(0.95);
    expect(white.summary).toMatchObject({ motion: 0, cuts: [], saturation: 0 });
    expect(Math.max(...column(white.seq, 'edge_density'))).toBe(0);
  });

  it('sees warm red and cool blue', async () => {
    const red = await extractVideoFeatures(await gen.solidVideo(dir, { color: '0xd02010', seconds: 1 }));
    const blue = await extractVideoFeatures(await gen.solidVideo(dir, { color: '0x1040d0', seconds: 1 }));
    expect(red.summary.warmth).toBeGreaterThan(0.5);
    expect(blue.summary.warmth).toBeLessThan(-0.5);
    expect(red.summary.saturation).toBeGreaterThan(0.7);
    expect(column(red.seq, 'hue_000')[0]).toBeGreaterThan(0.7);
  });

  it('gives a moving box more motion than a static one', async () => {
    const moving = await extractVideoFeatures(await gen.movingBox(dir, { speed: 120, seconds: 3 }));
    const still = await extractVideoFeatures(await gen.movingBox(dir, { speed: 0, seconds: 3 }));
    expect(still.summary.motion).toBeLessThan(0.001);
    expect(moving.summary.motion).toBeGreaterThan(still.summary.motion + 0.003);
    expect(Math.min(...column(moving.seq, 'motion').slice(1))).toBeGreaterThan(Math.max(...column(still.seq, 'motion')));
    expect(Math.min(...column(moving.seq, 'edge_density'))).toBeGreaterThan(0);
  });

  it('reads a faster box as faster (speed, px per analysis frame, log2(1 + v))', async () => {
    const speeds = [0, 60, 240];
    const got = [];
    for (const v of speeds) {
      const { seq } = await extractVideoFeatures(await gen.movingBox(dir, { speed: v, seconds: 3, name: `speed-${v}.mp4` }));
      got.push({ fine: mean(column(seq, 'speed').slice(1)), coarse: mean(column(seq, 'speed_coarse').slice(1)) });
    }
    expect(got[0].fine).toBeLessThan(0.05);
    expect(got[1].fine).toBeGreaterThan(got[0].fine + 0.2);
    expect(got[2].coarse).toBeGreaterThan(got[1].coarse + 0.5);
  });

  it('finds hard cuts within one step of their times', async () => {
    const cuts = [1.3, 2.6, 4.2];
    const { summary, seq } = await extractVideoFeatures(await gen.hardCuts(dir, { cuts, seconds: 5.5 }));
    expect(summary.cuts).toHaveLength(cuts.length);
    summary.cuts.forEach((t, i) => expect(Math.abs(t - cuts[i])).toBeLessThanOrEqual(VIDEO_SPEC.step));
    const perStep = column(seq, 'cuts');
    for (const c of cuts) expect(perStep[Math.floor(c / VIDEO_SPEC.step)]).toBe(1);
    expect(perStep.reduce((a, b) => a + b, 0)).toBe(cuts.length);
    // Each step carries the length of its shot: 1.3, 1.3, 1.6 and 1.3 s (the last ends with the clip).
    const shot = column(seq, 'shot_log2s').map((v) => 2 ** v);
    const bounds = [0, ...summary.cuts, 5.5];
    shot.forEach((s, k) => {
      const centre = (k + 0.5) * VIDEO_SPEC.step;
      const i = bounds.findIndex((b, j) => j > 0 && centre < b) - 1;
      expect(Math.abs(s - (bounds[i + 1] - bounds[i]))).toBeLessThanOrEqual(0.15);
    });
  });

  it('caps the shot length of a long uncut take at one segment (8 s)', async () => {
    const { summary, seq } = await extractVideoFeatures(await gen.movingBox(dir, { speed: 40, seconds: 10, name: 'take.mp4' }));
    expect(summary.cuts).toEqual([]);
    expect(new Set(column(seq, 'shot_log2s'))).toEqual(new Set([Math.log2(VIDEO_SPEC.shotMaxSeconds)]));
  });
});

describe('extractFeatures', () => {
  it('does both modalities of a file with both, aligned on one step grid', async () => {
    const file = await gen.videoWithAudio(dir, { seconds: 3, freq: 880 });
    const out = await extractFeatures(file);
    expect(out.audio?.seq.T).toBe(6);
    expect(out.video?.seq.T).toBe(6);
    expect(out.audio?.seq.step).toBe(out.video?.seq.step);
  });

  it('extracts only what is asked, and refuses audio features of a silent-film file', async () => {
    const av = await gen.videoWithAudio(dir, { seconds: 2, name: 'av2.mp4' });
    const onlyVideo = await extractFeatures(av, { modalities: ['video'] });
    expect(onlyVideo.audio).toBeUndefined();
    const noAudio = await gen.solidVideo(dir, { color: 'gray', seconds: 1 });
    await expect(extractFeatures(noAudio, { modalities: ['audio'] })).rejects.toMatchObject({ kind: 'input', message: expect.stringMatching(/no audio stream/) });
    expect((await extractFeatures(noAudio)).audio).toBeUndefined();
  });

  it('stops both decoders when the signal aborts', async () => {
    const file = await gen.videoWithAudio(dir, { seconds: 6, name: 'av6.mp4' });
    const ac = new AbortController();
    const run = extractFeatures(file, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
