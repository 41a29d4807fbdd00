/**
 * tempo.ts's autocorrelation adds four lags at a time; every lag must still be the plain sum
 * Σ x[i]·x[i+l] in index order (mean removed), to the bit — for envelopes shorter and longer than
 * the lags, lag counts that are and are not multiples of four, and lags past the envelope's end (0).
 */
import { describe, expect, it } from 'vitest';
import { autocorrelation } from '../../../electron/engine/features/tempo';
import { createRng } from '../../../electron/engine/util/prng';

/** The one-lag-at-a-time reference. */
function reference(env: Float64Array, maxLag: number): Float64Array {
  let mean = 0;
  for (const v of env) mean += v;
  mean /= env.length;
  const x = env.map((v) => v - mean);
  const ac = new Float64Array(maxLag + 2);
  for (let l = 0; l < ac.length; l++) {
    let s = 0;
    for (let i = 0; i + l < x.length; i++) s += x[i] * x[i + l];
    ac[l] = s;
  }
  return ac;
}

describe('autocorrelation', () => {
  it('equals the one-lag-at-a-time sums bit for bit', () => {
    const rng = createRng(11);
    for (const n of [1, 2, 3, 4, 5, 7, 9, 16, 33, 300, 6001]) {
      for (const maxLag of [0, 1, 2, 3, 5, 6, 10, 37, 300]) {
        // Onset-like values over several decades, so the order of the adds shows in the last bits.
        const env = Float64Array.from({ length: n }, () => rng.next() ** 4 * 10 ** (3 * rng.next()));
        const got = autocorrelation(env, maxLag);
        expect(Buffer.from(got.buffer).equals(Buffer.from(reference(env, maxLag).buffer)), `n ${n}, maxLag ${maxLag}`).toBe(true);
      }
    }
  });

  it('is the known sum on a short envelope', () => {
    // x = [1, 2, 3, 4] - 2.5 = [-1.5, -0.5, 0.5, 1.5]: lag 0 → 5, lag 1 → 0.75 - 0.25 + 0.75 = 1.25, lag 2 → -0.75 - 0.75, lag 3 → -2.25.
    expect(Array.from(autocorrelation(Float64Array.of(1, 2, 3, 4), 4))).toEqual([5, 1.25, -1.5, -2.25, 0, 0]);
  });
});
