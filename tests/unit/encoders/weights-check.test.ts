/**
 * Loading weights into an encoder names what is wrong: a weight that is missing, or one of the
 * wrong shape; a complete set from a twin encoder loads and gives the twin's output.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../../../electron/engine/encoders/encoder';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('encoder setWeights', () => {
  it('refuses a set lacking a weight, naming it, and takes a whole set', () => {
    const a = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 1 });
    const b = createEncoder({ inDim: 4, window: 8, hidden: 6, outDim: 3, seed: 2 });
    const all = a.getWeights();
    const names = Object.keys(all);
    expect(names.length).toBeGreaterThan(2);
    const { [names[1]]: _dropped, ...lacking } = all;
    expect(() => b.setWeights(lacking)).toThrow(`encoder weights lack "${names[1]}"`);
    b.setWeights(all);
    expect(b.getWeights()).toEqual(all);
  });
});
