import { describe, expect, it } from 'vitest';
import { bootstrapInterval, exactBootstrapInterval, tCritical975, tInterval95 } from '../../../scripts/bench/intervals';

/**
 * Coverage of ±q under Student's t with ν degrees of freedom, by Simpson's rule on the density
 * c·(1 + x²/ν)^(−(ν+1)/2), c = r_ν / √(νπ) with r_ν = Γ((ν+1)/2) / Γ(ν/2) from
 * r₁ = 1/√π, r₂ = √π/2 and r_{ν+2} = r_ν · (ν+1)/ν: a derivation independent of the table.
 */
function tCoverage(q: number, nu: number): number {
  let r = nu % 2 === 1 ? 1 / Math.sqrt(Math.PI) : Math.sqrt(Math.PI) / 2;
  for (let k = nu % 2 === 1 ? 1 : 2; k < nu; k += 2) r *= (k + 1) / k;
  const c = r / Math.sqrt(nu * Math.PI);
  const f = (x: number): number => c * (1 + (x * x) / nu) ** (-(nu + 1) / 2);
  const steps = 2000;
  const h = q / steps;
  let s = f(0) + f(q);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return 2 * (s * h) / 3;
}

describe("Student's t critical values", () => {
  it('cover 95 % of the density for 1 to 60 degrees of freedom (to the table’s three decimals; round 7 reads 34 seeds)', () => {
    for (let nu = 1; nu <= 60; nu++) expect(Math.abs(tCoverage(tCritical975(nu), nu) - 0.95)).toBeLessThan(1e-4);
  });

  it('use the 60’s value beyond 60 and refuse a non-positive count', () => {
    expect(tCritical975(75)).toBe(tCritical975(60));
    expect(() => tCritical975(0)).toThrow(/positive whole number/);
  });
});

describe('the t interval of a mean', () => {
  it('matches a hand computation on three values', () => {
    // 0.1, 0.1, 0.2: mean 0.13333, sd 0.057735, half width 4.303 · 0.057735 / √3 = 0.143433
    const ci = tInterval95([0.1, 0.1, 0.2]);
    expect(ci.n).toBe(3);
    expect(ci.mean).toBeCloseTo(0.4 / 3, 12);
    expect(ci.sd).toBeCloseTo(Math.sqrt(1 / 300), 12);
    expect(ci.lo).toBeCloseTo(0.4 / 3 - 0.143433, 6);
    expect(ci.hi).toBeCloseTo(0.4 / 3 + 0.143433, 6);
  });

  it('is a point when every value is the same, and refuses a single value', () => {
    expect(tInterval95([0.02, 0.02, 0.02, 0.02])).toMatchObject({ lo: 0.02, hi: 0.02, sd: 0 });
    expect(() => tInterval95([0.1])).toThrow(/at least 2/);
  });
});

describe('the exact bootstrap of a mean', () => {
  it('two values: resample means 0, ½, 1 with weights ¼, ½, ¼, so the bounds are 0 and 1', () => {
    expect(exactBootstrapInterval([0, 1])).toEqual({ lo: 0, hi: 1 });
  });

  it('0, 0, 3: the count k of 3s is Binomial(3, ⅓); P(k ≤ 2) = 26/27 < 0.975, so the upper bound is 3', () => {
    expect(exactBootstrapInterval([0, 0, 3])).toEqual({ lo: 0, hi: 3 });
  });

  it('four 0s and a 1: k ~ Binomial(5, 0.2); P(k ≤ 2) = 0.942, P(k ≤ 3) = 0.993, so the bounds are 0 and 3/5', () => {
    const ci = exactBootstrapInterval([0, 0, 1, 0, 0]);
    expect(ci.lo).toBe(0);
    expect(ci.hi).toBeCloseTo(0.6, 12);
    // At 80 %: P(k = 0) = 0.328 ≥ 0.1 and P(k ≤ 1) = 0.737 < 0.9 ≤ P(k ≤ 2): 0 and 2/5
    const ci80 = exactBootstrapInterval([0, 0, 1, 0, 0], 0.8);
    expect(ci80.lo).toBe(0);
    expect(ci80.hi).toBeCloseTo(0.4, 12);
  });

  it('moves with the values: a shift by c shifts both bounds by c', () => {
    const xs = [0.013, -0.026, 0.053, 0.04, 0.0, 0.079];
    const base = exactBootstrapInterval(xs);
    const shifted = exactBootstrapInterval(xs.map((x) => x + 0.1));
    expect(shifted.lo).toBeCloseTo(base.lo + 0.1, 12);
    expect(shifted.hi).toBeCloseTo(base.hi + 0.1, 12);
    expect(base.lo).toBeGreaterThanOrEqual(-0.026);
    expect(base.hi).toBeLessThanOrEqual(0.079);
  });

  it('asked again (a report asks for the same differences several times), gives the same bounds, and for these values and level only', () => {
    const xs = [0, 0, 1, 0, 0];
    const first = exactBootstrapInterval(xs);
    // A caller changing what it got must not change the next answer.
    first.lo = 42;
    expect(exactBootstrapInterval(xs).lo).toBe(0);
    expect(exactBootstrapInterval(xs).hi).toBeCloseTo(0.6, 12);
    expect(exactBootstrapInterval(xs, 0.8).hi).toBeCloseTo(0.4, 12);
    expect(exactBootstrapInterval([0, 0, 1, 0, 0.5]).hi).toBeGreaterThan(0.6);
  });

  it('refuses more values than it can enumerate', () => {
    expect(() => exactBootstrapInterval(new Array<number>(13).fill(0))).toThrow(/1 to 12 values/);
  });
});

describe('the bootstrap beyond 12 values (seeded resamples)', () => {
  /** P(K ≤ j) for K ~ Binomial(n, p), from the pmf's recurrence. */
  const binomialCdf = (n: number, p: number): number[] => {
    let pmf = (1 - p) ** n;
    const cdf = [pmf];
    for (let j = 1; j <= n; j++) {
      pmf *= ((n - j + 1) / j) * (p / (1 - p));
      cdf.push(cdf[j - 1] + pmf);
    }
    return cdf;
  };

  it('up to 12 values is the exact one', () => {
    const xs = [0.013, -0.026, 0.053, 0.04, 0.0, 0.079, 0.02, -0.01, 0.03, 0.05, 0.011, 0.002];
    expect(bootstrapInterval(xs)).toEqual(exactBootstrapInterval(xs));
  });

  it('34 values, 9 of them 1: the resample mean is K/34 with K ~ Binomial(34, 9/34), so the bounds are its 2.5 % and 97.5 % quantiles over 34', () => {
    const xs = Array.from({ length: 34 }, (_, i) => (i % 3 === 0 && i < 27 ? 1 : 0));
    expect(xs.filter((x) => x === 1)).toHaveLength(9);
    const cdf = binomialCdf(34, 9 / 34);
    const lo = cdf.findIndex((c) => c >= 0.025);
    const hi = cdf.findIndex((c) => c >= 0.975);
    // The construction keeps each bound clear of its neighbour: 100 000 draws cannot land one step off.
    expect(cdf[lo - 1]).toBeLessThan(0.02);
    expect(cdf[lo]).toBeGreaterThan(0.03);
    expect(cdf[hi - 1]).toBeLessThan(0.97);
    expect(cdf[hi]).toBeGreaterThan(0.98);
    const ci = bootstrapInterval(xs);
    expect(ci.lo).toBeCloseTo(lo / 34, 12);
    expect(ci.hi).toBeCloseTo(hi / 34, 12);
  });

  it('is the same when asked again (fixed seed), a copy each time, and a point for equal values', () => {
    const xs = Array.from({ length: 22 }, (_, i) => ((i * 7) % 11) / 100);
    const first = bootstrapInterval(xs);
    first.lo = 42;
    expect(bootstrapInterval(xs)).toEqual(bootstrapInterval([...xs]));
    expect(bootstrapInterval(xs).lo).not.toBe(42);
    const point = bootstrapInterval(new Array<number>(20).fill(0.03));
    expect(point.lo).toBeCloseTo(0.03, 12);
    expect(point.hi).toBeCloseTo(0.03, 12);
  });
});
