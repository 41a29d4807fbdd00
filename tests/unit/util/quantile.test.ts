import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../electron/engine/util/quantile';

describe('quantileSorted', () => {
  // Values from numpy.quantile([1, 2, 4, 8, 16], q) (linear interpolation, numpy's default).
  it.each([
    [0, 1],
    [0.1, 1.4],
    [0.25, 2],
    [0.5, 4],
    [0.85, 11.2],
    [1, 16],
  ])('at q = %f reads %f', (q, expected) => {
    expect(quantileSorted([1, 2, 4, 8, 16], q)).toBeCloseTo(expected, 12);
  });

  it('reads the one value of a single-value array at every q, typed arrays too', () => {
    expect(quantileSorted(Float64Array.of(3), 0.3)).toBe(3);
  });
});
