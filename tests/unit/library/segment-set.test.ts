/**
 * An embedder's output is checked before it reaches the catalog: n segments of dim values each,
 * a positive integer dim; anything else is refused with the numbers that disagree.
 */
import { describe, expect, it } from 'vitest';
import { toSegmentSet } from '../../../electron/engine/library/segment-set';

describe('toSegmentSet', () => {
  it('keeps 3 segments × 4 values and refuses 11 or 13 values, or a dim of 0 or 2.5', () => {
    const ok = toSegmentSet({ starts: [0, 4, 8], data: new Float32Array(12).map((_, i) => i), dim: 4 });
    expect(Array.from(ok.starts)).toEqual([0, 4, 8]);
    expect(ok.dim).toBe(4);
    expect(Array.from(ok.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(() => toSegmentSet({ starts: [0, 4, 8], data: new Float32Array(11), dim: 4 })).toThrow('embedder returned 11 values for 3 segments × 4');
    expect(() => toSegmentSet({ starts: [0, 4, 8], data: new Float32Array(13), dim: 4 })).toThrow(/13 values/);
    expect(() => toSegmentSet({ starts: [0], data: new Float32Array(0), dim: 0 })).toThrow('embedder returned dim 0');
    expect(() => toSegmentSet({ starts: [0], data: new Float32Array(2), dim: 2.5 })).toThrow('embedder returned dim 2.5');
  });
});
