/**
 * VideoFeatureExtractor on frames built in memory (no decoding): per-step means of a frame's
 * descriptors and the clip's motion summary for a grey ramp whose luma rises by a known amount per
 * frame, with no cut anywhere (the levels stay inside one bin of the colour histogram the cut detector compares, 64–127).
 */
import { describe, expect, it } from 'vitest';
import { VIDEO_SPEC } from '../../../electron/engine/features/spec';
import { VideoFeatureExtractor } from '../../../electron/engine/features/video';

const [W, H] = [32, 18];

function grey(level: number): Uint8Array {
  return new Uint8Array(W * H * 3).fill(level);
}

describe('video descriptors per step', () => {
  it('a grey ramp rising 1 level a frame: step luma is the mean of its frames, motion 1/255 per frame, no cuts', () => {
    const perStep = Math.round(VIDEO_SPEC.fps * VIDEO_SPEC.step);
    const frames = 4 * perStep;
    const ex = new VideoFeatureExtractor(W, H);
    for (let i = 0; i < frames; i++) ex.push(grey(66 + i));
    const { seq, summary } = ex.finish();
    expect(seq.T).toBe(4);
    const luma = VIDEO_SPEC.names.indexOf('luma_mean');
    const motion = VIDEO_SPEC.names.indexOf('motion');
    for (let k = 0; k < 4; k++) {
      // Frames k·perStep … (k+1)·perStep − 1 have grey levels 66 + i: their mean luma is the mean level / 255.
      const meanLevel = 66 + k * perStep + (perStep - 1) / 2;
      expect(seq.data[k * seq.D + luma], `step ${k}`).toBeCloseTo(meanLevel / 255, 4);
      expect(seq.data[k * seq.D + motion], `step ${k}`).toBeCloseTo(1 / 255, 5);
    }
    expect(summary.cuts).toEqual([]);
    expect(summary.motion).toBeCloseTo(1 / 255, 4);
    expect(summary.brightness).toBeCloseTo((66 + (frames - 1) / 2) / 255, 3);
  });
});
