import { describe, expect, it } from 'vitest';
import { meanSd, median, medianRange } from '../../../scripts/bench/stats';

describe('the benchmark tables\' summary statistics', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even one, unsorted input', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 10, 1, 7])).toBe(5.5); // (4 + 7) / 2
    expect(median([3])).toBe(3);
    expect(medianRange([8, -2, 5, 1])).toEqual({ median: 3, min: -2, max: 8 });
  });

  it('leaves its input in its order', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('gives the sample standard deviation (n − 1) and 0 for one value', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations sum to 32, 32 / 7
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9]).mean).toBe(5);
    expect(meanSd([2, 4, 4, 4, 5, 5, 7, 9]).sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(meanSd([7])).toEqual({ mean: 7, sd: 0 });
  });
});
