/**
 * Windows over a descriptor sequence refuse data shorter than T × D (a truncated cache entry must
 * not be read past its end) and accept data of exactly that length.
 */
import { describe, expect, it } from 'vitest';
import { segmentWindows } from '../../../electron/engine/encoders/segments';
import type { FeatureSeq } from '../../../electron/engine/features/types';

const seq = (T: number, D: number, values: number): FeatureSeq => ({ step: 0.5, names: Array.from({ length: D }, (_, i) => `c${i}`), data: new Float32Array(values).map((_, i) => i), T, D, spec: 'test', start: 0 });

describe('segmentWindows data length', () => {
  it('refuses 59 values for 20 × 3 and windows exactly 60', () => {
    expect(() => segmentWindows(seq(20, 3, 59), { window: 8, hop: 4 })).toThrow('feature data holds 59 values, expected T×D = 60');
    const s = segmentWindows(seq(20, 3, 60), { window: 8, hop: 4 });
    // Windows start at rows 0, 4, 8, 12 ((20 − 8) / 4 + 1 = 4 of them), i.e. 0, 2, 4, 6 s at 0.5 s a row;
    // the last ends at row 20, on the last value.
    expect(s.starts).toEqual([0, 2, 4, 6]);
    expect(s.data[s.data.length - 1]).toBe(59);
  });
});
