/**
 * The `clip.cuts` job finds an opened clip's shot cuts on its own frames: generated clips of
 * differently coloured shots (ffmpeg concat) with cuts at known frames, at two frame rates; the
 * cuts the engine returns must be within one frame of the truth, with none missing or extra.
 */
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { ShotCutCache } from '../../../electron/engine/features/shot-cuts';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { hardCuts, movingBox, sine, tempDir } from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
let engine: Engine;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-shot-cuts-'));
  engine = new Engine(contextFromEnv({}, { dataDir: join(dir, 'data'), threads: 1 }));
});
afterAll(async () => {
  await engine.close();
  await cleanup();
});

async function cutsOf(path: string): Promise<{ cuts: number[]; fps: number; clipFps: number | null }> {
  const clip = await engine.call('clip.open', { path });
  const r = await runJob(engine, 'clip.cuts', { id: clip.id });
  return { ...r, clipFps: clip.fps };
}

describe('clip.cuts', () => {
  // Cuts off the 10 fps analysis grid (2.44 s, 5.16 s …), where the features' detector is 40–60 ms off.
  for (const { fps, cuts } of [
    { fps: 25, cuts: [2.44, 5.16, 8.84] },
    { fps: 30, cuts: [1.0 + 7 / 30, 4.0 + 11 / 30, 6.5, 9.0 + 1 / 30] },
  ]) {
    it(`finds every cut of a ${fps} fps clip within one frame`, async () => {
      const file = await hardCuts(dir, { seconds: 11, cuts, fps, name: `cuts-${fps}.mp4` });
      const found = await cutsOf(file);
      expect(found.clipFps).toBeCloseTo(fps, 3);
      expect(found.fps).toBeCloseTo(fps, 3);
      expect(found.cuts).toHaveLength(cuts.length);
      found.cuts.forEach((c, i) => expect(Math.abs(c - cuts[i])).toBeLessThanOrEqual(1 / fps + 1e-6));
    });
  }

  it('finds none in one continuous shot with motion', async () => {
    const file = await movingBox(dir, { seconds: 6, speed: 80, name: 'one-shot.mp4' });
    expect((await cutsOf(file)).cuts).toEqual([]);
  });

  it('refuses a file without a picture, naming it (at open since review R11: no clip, so no cuts job)', async () => {
    const file = await sine(dir, { seconds: 2, freq: 440, name: 'tone.wav' });
    await expect(engine.call('clip.open', { path: file })).rejects.toMatchObject({ code: 'bad-input', message: expect.stringContaining(`${file}: has no video stream`) });
  });

  it('answers not-found for a clip id that was never opened', async () => {
    await expect(runJob(engine, 'clip.cuts', { id: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('ShotCutCache', () => {
  it('answers a file once detected from memory, and detects again when the file changes', async () => {
    const file = await hardCuts(dir, { seconds: 4, cuts: [2], fps: 25, name: 'cached.mp4' });
    const cache = new ShotCutCache();
    const first = await cache.get(file);
    expect(first.cuts).toEqual([2]);
    expect(await cache.get(file)).toBe(first);
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const again = await cache.get(file);
    expect(again).not.toBe(first);
    expect(again.cuts).toEqual([2]);
  });
});
