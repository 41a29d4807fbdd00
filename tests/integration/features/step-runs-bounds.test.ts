/**
 * LoudnessMeter.push's step runs at the edges of `left` (review, session 9: with left 0 the kernel
 * summed the whole push as one run while the JS loop gave an empty first run). Both paths must give
 * the runs written out by hand for left 1 and left = length, and refuse left 0 or left > length
 * instead of quietly disagreeing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { LoudnessMeter } from '../../../electron/engine/features/loudness';
import { AUDIO_SPEC as S } from '../../../electron/engine/features/spec';

afterEach(() => useFrameKernel(true));

function runs(kernel: boolean, x: Float32Array, left: number, length: number): number[] {
  useFrameKernel(kernel);
  const out: number[] = [];
  new LoudnessMeter(S.sampleRate).push(x, { left, length, onRun: (ss) => out.push(ss) });
  return out;
}

describe('step runs at the edges of left', () => {
  const x = Float32Array.of(1, 2, 3, 4, 5);
  for (const kernel of [true, false]) {
    const path = kernel ? 'kernel' : 'JS';
    it(`${path}: left 1 closes the first step after one sample; left = length runs a whole step first`, () => {
      // Steps of 2: [1] | [2,3] | [4,5] | [] → 1, 4+9, 16+25, 0 (the push ends on a step's end).
      expect(runs(kernel, x, 1, 2)).toEqual([1, 13, 41, 0]);
      // Steps of 2 with 2 left: [1,2] | [3,4] | [5] → 5, 25, 25.
      expect(runs(kernel, x, 2, 2)).toEqual([5, 25, 25]);
    });

    it(`${path}: left 0 or more than a step is refused, naming the value`, () => {
      expect(() => runs(kernel, x, 0, 2)).toThrow(/left 0 outside 1…2/);
      expect(() => runs(kernel, x, 3, 2)).toThrow(/left 3 outside 1…2/);
    });
  }
});
