/**
 * The match fit's maths against values worked out by hand: the logistic, the even-odds fit of a
 * two-point data set (saturated, so its answer is the weighted shares), the library fallback,
 * and the calibration file's checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CALIBRATION_FILE, calibratedFit, evenScore, fitCalibration, fitView, readCalibration } from '../../../electron/engine/app/match-fit';
import { NeedledropError } from '../../../electron/engine/errors';

const LN3 = Math.log(3);

describe('calibratedFit', () => {
  it('is the logistic of slope · score + intercept', () => {
    expect(calibratedFit(0, { slope: 2, intercept: 0 })).toBe(0.5);
    // σ(ln 3) = 3 / (3 + 1).
    expect(calibratedFit(1, { slope: LN3, intercept: 0 })).toBeCloseTo(0.75, 12);
    expect(calibratedFit(-1, { slope: LN3, intercept: 0 })).toBeCloseTo(0.25, 12);
    expect(calibratedFit(0.5, { slope: 2 * LN3, intercept: -LN3 })).toBeCloseTo(0.5, 12);
    expect(evenScore({ slope: 4, intercept: -2 })).toBe(0.5);
  });

  it('grows with the score and stays inside (0, 1), also far out', () => {
    const cal = { slope: 20.7, intercept: -14 };
    const scores = [-1, -0.5, -0.02, 0, 0.33, 0.6, 0.675, 0.8, 1];
    const fits = scores.map((s) => calibratedFit(s, cal));
    for (let i = 1; i < fits.length; i++) expect(fits[i]).toBeGreaterThan(fits[i - 1]);
    for (const f of fits) expect(f > 0 && f < 1).toBe(true);
    expect(Number.isFinite(calibratedFit(-1e6, cal))).toBe(true);
    expect(calibratedFit(-1e6, cal)).toBe(0);
    expect(calibratedFit(1e6, cal)).toBe(1);
  });
});

describe('fitCalibration', () => {
  // Two score values: the logistic fits each point's weighted share exactly. True pairs
  // [0, 1, 1, 1], non-pairs [0, 0, 0, 1] → at 0: 1 true to 3 → σ(b) = 1/4, b = −ln 3;
  // at 1: 3 to 1 → σ(a + b) = 3/4, a = 2 ln 3.
  it('fits two-point data to its shares', () => {
    const cal = fitCalibration([0, 1, 1, 1], [0, 0, 0, 1]);
    expect(cal.intercept).toBeCloseTo(-LN3, 4);
    expect(cal.slope).toBeCloseTo(2 * LN3, 4);
  });

  it('weighs both classes one half, whatever their counts', () => {
    // Twice the non-pairs in the same proportions (6 at 0, 2 at 1): each counts 1/16 against a
    // true pair's 1/8, so the shares and the fit are those above. Unweighted, the share at 0
    // would be 1/7, not 1/4.
    const cal = fitCalibration([0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 1, 1]);
    expect(cal.intercept).toBeCloseTo(-LN3, 4);
    expect(cal.slope).toBeCloseTo(2 * LN3, 4);
  });

  it('puts the even point between the classes and keeps the slope finite when they separate', () => {
    const cal = fitCalibration([0.7, 0.8, 0.9], [-0.2, 0, 0.2, 0.3]);
    expect(Number.isFinite(cal.slope) && cal.slope > 0).toBe(true);
    const even = evenScore(cal);
    expect(even).toBeGreaterThan(0.3);
    expect(even).toBeLessThan(0.7);
    expect(calibratedFit(0.8, cal)).toBeGreaterThan(0.99);
    expect(calibratedFit(0, cal)).toBeLessThan(0.01);
  });

  it('refuses data where true pairs do not score higher, and an empty class', () => {
    expect(() => fitCalibration([0, 0.1, 0.2], [0.5, 0.6, 0.7])).toThrow(/do not score higher/);
    expect(() => fitCalibration([], [0.5])).toThrow(/both true pairs and non-pairs/);
  });
});

describe('fitView', () => {
  it('without a calibration: the share of the other ranked tracks scored below, and top = rank / n', () => {
    expect(fitView(0.33, 1, 5, null)).toEqual({ value: 1, basis: 'library', top: 0.2, of: 5 });
    expect(fitView(-0.02, 3, 5, null)).toEqual({ value: 0.5, basis: 'library', top: 0.6, of: 5 });
    expect(fitView(-0.3, 5, 5, null)).toEqual({ value: 0, basis: 'library', top: 1, of: 5 });
    expect(fitView(0.1, 1, 1, null)).toEqual({ value: 1, basis: 'library', top: 1, of: 1 });
  });

  it('with a calibration: the calibrated fit, rounded to 3 digits', () => {
    const cal = { slope: 2 * LN3, intercept: -LN3, data: 'hand', domain: 'synthetic' as const, positives: 4, negatives: 4, createdAt: '' };
    expect(fitView(1, 2, 8, cal)).toEqual({ value: 0.75, basis: 'calibrated', calibratedOn: 'synthetic', top: 0.25, of: 8 });
    expect(fitView(0, 8, 8, cal)).toEqual({ value: 0.25, basis: 'calibrated', calibratedOn: 'synthetic', top: 1, of: 8 });
    expect(fitView(0, 8, 8, { ...cal, domain: 'edits' }).calibratedOn).toBe('edits');
  });

  it('far outside the calibration data reaches 0 and 1 after rounding (no clamp)', () => {
    // The shipped curve's slope and intercept: σ(20.7·(−1) − 13.96) = σ(−34.7) ≈ 9e-16, σ(20.7·2 − 13.96) = σ(27.4) ≈ 1 − 1e-12.
    const cal = { slope: 20.7, intercept: -13.96, data: 'hand', domain: 'synthetic' as const, positives: 4, negatives: 4, createdAt: '' };
    expect(fitView(-1, 10, 10, cal).value).toBe(0);
    expect(fitView(2, 1, 10, cal).value).toBe(1);
    expect(calibratedFit(-1, cal)).toBeLessThan(1e-14);
    expect(1 - calibratedFit(2, cal)).toBeLessThan(1e-11);
    // And the even point exactly in the middle: score 13.96 / 20.7.
    expect(fitView(13.96 / 20.7, 5, 10, cal).value).toBe(0.5);
  });

  it('refuses a rank outside the list', () => {
    expect(() => fitView(0, 0, 3, null)).toThrow(RangeError);
    expect(() => fitView(0, 4, 3, null)).toThrow(RangeError);
  });
});

describe('readCalibration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nd-cal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, CALIBRATION_FILE);

  it('is null when the version has none', async () => {
    await expect(readCalibration(dir)).resolves.toBeNull();
  });

  it('reads a valid file', async () => {
    writeFileSync(file, JSON.stringify({ slope: 20, intercept: -14, data: 'x', positives: 3, negatives: 6, createdAt: '2026-12-01T00:00:00Z' }));
    // A file without a domain (the shipped base's) is synthetic.
    await expect(readCalibration(dir)).resolves.toEqual({ slope: 20, intercept: -14, data: 'x', domain: 'synthetic', positives: 3, negatives: 6, createdAt: '2026-12-01T00:00:00Z' });
    writeFileSync(file, JSON.stringify({ slope: 20, intercept: -14, data: 'x', domain: 'edits' }));
    await expect(readCalibration(dir)).resolves.toMatchObject({ domain: 'edits' });
  });

  it('refuses a broken or decreasing one, naming the file', async () => {
    for (const [text, cause] of [
      ['{not json', /not a readable JSON calibration/],
      [JSON.stringify({ slope: 'steep', intercept: 0 }), /finite numbers "slope" and "intercept"/],
      [JSON.stringify({ slope: -1, intercept: 0 }), /must be positive/],
    ] as const) {
      writeFileSync(file, text);
      const err = await readCalibration(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NeedledropError);
      expect(err).toMatchObject({ kind: 'input', file });
      expect((err as Error).message).toMatch(cause);
    }
  });
});
