import { describe, expect, it } from 'vitest';
import { warmupCosine } from '../../../electron/engine/train/schedule';

describe('warmupCosine', () => {
  const opts = { peak: 2e-3, warmup: 10, total: 100, floor: 1e-5 };
  const lr = (s: number) => warmupCosine(s, opts);

  it('warms up linearly to the peak', () => {
    const first = lr(0);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(opts.peak);
    // Equal increments: a straight line through (step + 1) / warmup × peak.
    for (let s = 0; s < opts.warmup; s++) expect(lr(s)).toBeCloseTo(((s + 1) / opts.warmup) * opts.peak, 12);
    for (let s = 1; s < opts.warmup; s++) expect(lr(s) - lr(s - 1)).toBeCloseTo(opts.peak / opts.warmup, 12);
    expect(lr(opts.warmup - 1)).toBeCloseTo(opts.peak, 12);
    expect(lr(opts.warmup)).toBeCloseTo(opts.peak, 12);
  });

  it('decays monotonically after warm-up and reaches the floor at total', () => {
    for (let s = opts.warmup + 1; s <= opts.total; s++) expect(lr(s)).toBeLessThan(lr(s - 1));
    expect(lr(opts.total)).toBeCloseTo(opts.floor, 12);
    expect(lr(opts.total + 50)).toBeCloseTo(opts.floor, 12);
    // Cosine: half-way through the decay is the mean of peak and floor.
    expect(lr(opts.warmup + (opts.total - opts.warmup) / 2)).toBeCloseTo((opts.peak + opts.floor) / 2, 12);
  });

  it('defaults the floor to 2% of the peak and needs no warm-up', () => {
    const noWarm = { peak: 1, warmup: 0, total: 40 };
    expect(warmupCosine(0, noWarm)).toBeCloseTo(1, 12);
    expect(warmupCosine(40, noWarm)).toBeCloseTo(0.02, 12);
  });
});
