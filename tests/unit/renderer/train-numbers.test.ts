/**
 * Review S12.3/S12.4: the Train screen's charts and job lines say numbers at their magnitude. A
 * resumed run's loss (~5e-4) was charted between y ticks "0.00" and "0.00" and titled "0.000";
 * a job with no rate yet said only "estimating…" while ProgressEvent.elapsed was known.
 * Truths: the labels read back as numbers close to what is plotted, and differ where the values do.
 */
import { describe, expect, it } from 'vitest';
import { chartValue, yTicks } from '../../../renderer/lib/chart';
import { progressTime } from '../../../renderer/lib/progress';

const near = (label: string, v: number, rel: number): void => {
  const read = Number(label);
  expect(Number.isFinite(read), label).toBe(true);
  expect(Math.abs(read - v)).toBeLessThanOrEqual(Math.abs(v) * rel);
};

describe('chart ticks and title', () => {
  it('a loss of 5e-4 (0 to its top): the top tick reads it back within 10 %, not "0.00"', () => {
    const [lo, hi] = yTicks(0, 5.12e-4);
    near(hi, 5.12e-4, 0.1);
    near(lo, 0, 0);
    expect(hi).not.toBe(lo);
  });

  it('close values keep apart: a loss between 0.6931 and 0.6934', () => {
    const [lo, hi] = yTicks(0.6931, 0.6934);
    expect(hi).not.toBe(lo);
    near(lo, 0.6931, 1e-4);
    near(hi, 0.6934, 1e-4);
  });

  it('Recall and MRR axes from 0 to 1 read as before', () => {
    expect(yTicks(0, 1)).toEqual(['0.00', '1.00']);
    expect(yTicks(0, 3.73)).toEqual(['0.00', '3.73']);
  });

  it('the title value keeps three significant digits at any magnitude', () => {
    for (const v of [4.737e-4, 0.5417, 3.731, 12.44, 1.6e-6]) near(chartValue(v), v, 0.005);
    expect(chartValue(4.737e-4)).not.toBe('0.000');
  });
});

describe('job time', () => {
  it('before a rate exists: the time the phase has run, not "estimating…"', () => {
    expect(progressTime({ eta: null, elapsed: 75.4 })).toBe('1 min 15 s elapsed');
    expect(progressTime({ eta: null, elapsed: 3 })).toBe('3 s elapsed');
  });

  it('with a rate: the time left', () => {
    expect(progressTime({ eta: 42, elapsed: 10 })).toBe('42 s left');
  });
});
