/**
 * decode.ts's zeroNonFinite at EVERY place of a buffer, not only near its end: a fast scan that
 * skipped its first lanes, or stopped early on long buffers, would let a NaN at the start or in
 * the middle of a chunk through to the features (review, session 9: a scan skipping samples 0–3
 * of buffers ≥ 64 samples passed zero-non-finite.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { zeroNonFinite } from '../../../electron/engine/media/decode';
import { createRng } from '../../../electron/engine/util/prng';

describe('zeroNonFinite finds one bad sample wherever it sits', () => {
  for (const length of [64, 67, 1030]) {
    it(`every place of ${length} samples`, () => {
      const rng = createRng(length);
      const clean = Float32Array.from({ length }, () => 2 * rng.next() - 1);
      for (let at = 0; at < length; at++) {
        for (const v of [NaN, Infinity, -Infinity]) {
          const x = clean.slice();
          x[at] = v;
          expect(zeroNonFinite(x), `at ${at}`).toBe(1);
          expect(x[at]).toBe(0);
          // Everything else untouched: compare against the clean copy with the one place zeroed.
          const want = clean.slice();
          want[at] = 0;
          expect(Buffer.from(x.buffer).equals(Buffer.from(want.buffer)), `at ${at}`).toBe(true);
        }
      }
    });
  }

  it('the start, the middle and the end of a chunk the size ffmpeg pipes (65,536 samples)', () => {
    const length = 65_536;
    const rng = createRng(9);
    const clean = Float32Array.from({ length }, () => 2 * rng.next() - 1);
    const places = [0, 1, 2, 3, 4, 5, 31, 32, 33, length / 2 - 1, length / 2, length / 2 + 1, length - 5, length - 1];
    for (const at of places) {
      const x = clean.slice();
      x[at] = NaN;
      expect(zeroNonFinite(x), `at ${at}`).toBe(1);
      expect(x[at]).toBe(0);
    }
    expect(zeroNonFinite(clean.slice())).toBe(0);
  });
});
