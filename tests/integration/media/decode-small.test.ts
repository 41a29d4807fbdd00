/**
 * Decoding checks that need no long media: non-finite samples become silence and are counted, a
 * negative start is refused before ffmpeg runs, and a tiny clip with sound decodes to exactly the
 * frames its rate and length give (its audio stream is left out of the frame pipe).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio, decodeVideoFrames, zeroNonFinite } from '../../../electron/engine/media/decode';
import { tempDir, videoWithAudio } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let clip: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-decode-small-');
  clip = await videoWithAudio(tmp.dir, { seconds: 1, width: 32, height: 24, fps: 10 });
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('decoding details', () => {
  it('zeroes NaN and ±Infinity in place and counts them', () => {
    const pcm = Float32Array.from([0.5, NaN, Infinity, -0.25, -Infinity, 0]);
    expect(zeroNonFinite(pcm)).toBe(3);
    expect(Array.from(pcm)).toEqual([0.5, 0, 0, -0.25, 0, 0]);
  });

  it('refuses a negative start with the value', async () => {
    const it = decodeAudio(clip, { sampleRate: 8000, start: -1 });
    await expect(it.next()).rejects.toThrow('start must be ≥ 0, got -1');
  });

  it('decodes a 1 s clip with sound at 5 fps to 5 frames of 16 × 12 RGB', async () => {
    const frames = [];
    for await (const f of decodeVideoFrames(clip, { fps: 5, width: 16, height: 12 })) frames.push(f.data.length);
    expect(frames).toEqual([576, 576, 576, 576, 576]);
  });
});
