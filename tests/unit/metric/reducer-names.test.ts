/**
 * An unknown reducer is refused with its name and the ones there are; each known one reduces
 * [1, 2, 0, 5] as its name says (mean 2, mean of the non-zero 8/3, sum 8).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { reduceTerm, REDUCER_NAMES, term, type ReducerName } from '../../../electron/engine/metric/reducers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('reducers', () => {
  it('reduce by their names and refuse an unknown one, listing the known', () => {
    const want: Record<ReducerName, number> = { mean: 2, 'mean-nonzero': 8 / 3, sum: 8 };
    expect([...REDUCER_NAMES].sort()).toEqual(Object.keys(want).sort());
    for (const name of REDUCER_NAMES) {
      const t = term('x', tf.tensor1d([1, 2, 0, 5]), 'element');
      expect(reduceTerm(t, name).dataSync()[0], name).toBeCloseTo(want[name], 5);
    }
    expect(() => reduceTerm(term('x', tf.tensor1d([1]), 'element'), 'median' as ReducerName)).toThrow('unknown reducer "median" (one of mean, mean-nonzero, sum)');
  });
});
