/**
 * decode.ts's zeroNonFinite (every PCM chunk the features read passes it): NaN, +Inf and −Inf become
 * silence wherever they sit — each place of the four-sample fast scan, the tail past it, a view at
 * an offset into a larger buffer — and finite samples (the largest floats, subnormals, −0) pass
 * untouched; the count is the number replaced.
 */
import { describe, expect, it } from 'vitest';
import { zeroNonFinite } from '../../../electron/engine/media/decode';
import { createRng } from '../../../electron/engine/util/prng';

/** The reference: per sample, by Number.isFinite. */
function expected(x: Float32Array): { out: Float32Array; n: number } {
  const out = Float32Array.from(x, (v) => (Number.isFinite(v) ? v : 0));
  return { out, n: x.reduce((c, v) => c + (Number.isFinite(v) ? 0 : 1), 0) };
}

describe('zeroNonFinite', () => {
  const bad = [NaN, Infinity, -Infinity];
  for (const length of [1, 3, 4, 5, 8, 11, 8192]) {
    it(`replaces a NaN or an infinity at any place of ${length} samples, and only it`, () => {
      const rng = createRng(length);
      for (let at = 0; at < Math.min(length, 13); at++) {
        for (const v of bad) {
          const x = Float32Array.from({ length }, () => 2 * rng.next() - 1);
          x[length - 1 - at] = v;
          const want = expected(x);
          expect(zeroNonFinite(x)).toBe(1);
          expect(Array.from(x)).toEqual(Array.from(want.out));
        }
      }
    });
  }

  it('leaves finite extremes alone: the largest floats, subnormals, −0', () => {
    const x = Float32Array.of(3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -0, 0, 1e-40);
    const copy = x.slice();
    expect(zeroNonFinite(x)).toBe(0);
    expect(Buffer.from(x.buffer).equals(Buffer.from(copy.buffer))).toBe(true);
  });

  it('works on a view at an offset into a larger buffer, touching nothing outside it', () => {
    const whole = new Float32Array(64).fill(NaN);
    const view = whole.subarray(7, 7 + 41);
    view.fill(0.25);
    view[0] = Infinity;
    view[40] = NaN;
    view[21] = -Infinity;
    expect(zeroNonFinite(view)).toBe(3);
    expect(view.every((v) => v === 0.25 || v === 0)).toBe(true);
    expect([view[0], view[21], view[40]]).toEqual([0, 0, 0]);
    expect(Number.isNaN(whole[6]) && Number.isNaN(whole[48])).toBe(true);
  });

  it('counts every one when there are many', () => {
    const rng = createRng(5);
    const x = Float32Array.from({ length: 1001 }, () => (rng.next() < 0.3 ? bad[Math.floor(rng.next() * 3)] : rng.next()));
    const want = expected(x);
    expect(zeroNonFinite(x)).toBe(want.n);
    expect(Array.from(x)).toEqual(Array.from(want.out));
  });
});
