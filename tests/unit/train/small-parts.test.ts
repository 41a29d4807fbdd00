/**
 * Two small parts of training: a clip's or track's mean vector is the L2-normalised mean of its
 * rows (worked out by hand), and feedback clips split by a hash of their path, about a quarter
 * held out for validation and always the same side for the same path.
 */
import { describe, expect, it } from 'vitest';
import { HELD_OUT_SHARE } from '../../../electron/engine/train/edits';
import { meanVector } from '../../../electron/engine/train/vectors';
import { splitOf } from '../../../electron/engine/train/feedback-pairs';

describe('meanVector', () => {
  it('is the unit-length mean of the rows', () => {
    // Rows (1, 2) and (5, 6): mean (3, 4), length 5.
    const v = meanVector(Float32Array.from([1, 2, 5, 6]), 2);
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
    expect(Array.from(meanVector(new Float32Array(4), 2))).toEqual([0, 0]);
  });
});

describe('splitOf', () => {
  it('puts about a quarter of 400 clips in val, the rest in train, the same path always on the same side', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `/clips/edit-${i}.mp4`);
    const splits = paths.map(splitOf);
    expect(new Set(splits)).toEqual(new Set(['train', 'val']));
    const val = splits.filter((s) => s === 'val').length / paths.length;
    // Binomial(400, 0.25): sd ≈ 0.022; four sd either side.
    expect(Math.abs(val - HELD_OUT_SHARE)).toBeLessThan(0.09);
    expect(paths.map(splitOf)).toEqual(splits);
  });
});
