/**
 * Video descriptors of a tiny real clip (1 s, 32 × 24): two 0.5 s steps and the clip's length; a
 * file with sound only is refused, naming the file and what it lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractVideoFeatures } from '../../../electron/engine/features/video';
import { sine, tempDir, videoWithAudio } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let clip: string;
let tone: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-extract-tiny-');
  clip = await videoWithAudio(tmp.dir, { seconds: 1, width: 32, height: 24, fps: 10 });
  tone = await sine(tmp.dir, { seconds: 1, freq: 440 });
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('extractVideoFeatures on tiny files', () => {
  it('describes a 1 s clip in two steps', async () => {
    const { seq, summary } = await extractVideoFeatures(clip);
    expect(seq.T).toBe(2);
    expect(summary.duration).toBe(1);
  });

  it('refuses a file with sound only', async () => {
    await expect(extractVideoFeatures(tone)).rejects.toThrow(`${tone}: has no video stream`);
  });
});
