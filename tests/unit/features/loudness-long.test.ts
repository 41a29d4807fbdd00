import { describe, expect, it } from 'vitest';
import { LoudnessMeter } from '../../../electron/engine/features/loudness';

const SR = 22050;

/** `seconds` of a 1 kHz sine of amplitude `amp`, written into `out` from sample `at`. */
function sineInto(out: Float32Array, at: number, seconds: number, amp: number): number {
  const n = Math.round(seconds * SR);
  for (let i = 0; i < n; i++) out[at + i] = amp * Math.sin((2 * Math.PI * 1000 * (at + i)) / SR);
  return at + n;
}

function measure(x: Float32Array, chunk: number): number | null {
  const m = new LoudnessMeter(SR);
  for (let i = 0; i < x.length; i += chunk) m.push(x.subarray(i, i + chunk));
  return m.integrated();
}

describe('LoudnessMeter over a whole track (thousands of 100 ms sub-blocks)', () => {
  // 150 s at one level, then 50 s 10 dB louder: 2,000 sub-blocks, so the meter's store grows
  // past its first allocation (1,024) while the quiet part is still coming in.
  const x = new Float32Array(200 * SR);
  sineInto(x, sineInto(x, 0, 150, 0.1), 50, 0.1 * Math.sqrt(10));

  it('gates and averages every block: the level of the quiet part plus 10·log10(650/200) dB', () => {
    const quiet = measure(x.subarray(0, 10 * SR), 8192)!;
    // Both parts pass the absolute and the relative gate (the quiet one is 5.1 LU under the mean,
    // within the 10 LU gate), so the integrated power is the time-weighted mean: (150·1 + 50·10) / 200.
    expect(measure(x, 8192)).toBeCloseTo(quiet + 10 * Math.log10(650 / 200), 1);
  });

  it('gives the same value to the last bit however the samples are chunked', () => {
    const whole = measure(x, x.length);
    expect(measure(x, 8192)).toBe(whole);
    expect(measure(x, 1001)).toBe(whole);
  });
});
