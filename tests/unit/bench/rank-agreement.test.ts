import { describe, expect, it } from 'vitest';
import { averageRanks, kendallTauB, pairedDifference, separates, spearman, verdict } from '../../../scripts/bench/rank-agreement';

describe('rank agreement between budgets', () => {
  it('ranks ascending and gives tied values the mean of their ranks', () => {
    expect(averageRanks([0.3, 0.1, 0.3, 0.2])).toEqual([3.5, 1, 3.5, 2]);
  });

  it('matches hand-computed Spearman and Kendall on two swapped neighbours', () => {
    // ranks 1..5 against 2,1,4,3,5: Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8;
    // 10 pairs, 2 discordant ((1,2) and (3,4)): τ = (8 − 2) / 10 = 0.6
    const x = [0.1, 0.2, 0.3, 0.4, 0.5];
    const y = [0.62, 0.61, 0.64, 0.63, 0.65];
    expect(spearman(x, y)).toBeCloseTo(0.8, 12);
    expect(kendallTauB(x, y)).toBeCloseTo(0.6, 12);
  });

  it('handles ties: average ranks for ρ, τ-b for τ', () => {
    // x ranks 1, 2.5, 2.5, 4 and y ranks 1, 3, 2, 4: ρ = 4.5 / √(4.5 · 5) = 3/√10;
    // 6 pairs, 5 concordant, 0 discordant, 1 tied in x: τ-b = 5 / √(5 · 6)
    const x = [1, 2, 2, 3];
    const y = [10, 30, 20, 40];
    expect(spearman(x, y)).toBeCloseTo(3 / Math.sqrt(10), 12);
    expect(kendallTauB(x, y)).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it('is −1 for a reversed ranking and refuses lists of different lengths', () => {
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(kendallTauB([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/equally long/);
  });
});

describe('paired per-seed differences', () => {
  it('a lead on every seed: mean, sd and t by hand, not significant at 2 degrees of freedom', () => {
    // differences 0.1, 0.1, 0.2: mean 0.1333, sd √(0.00667 / 2) = 0.05774, t = 0.1333 / (0.05774/√3) = 4.0 < 4.303
    const d = pairedDifference([0.6, 0.7, 0.8], [0.5, 0.6, 0.6]);
    expect(d.perSeed.map((x) => Number(x.toFixed(12)))).toEqual([0.1, 0.1, 0.2]);
    expect(d.mean).toBeCloseTo(0.4 / 3, 12);
    expect(d.sd).toBeCloseTo(Math.sqrt(1 / 300), 12);
    expect(d.t).toBeCloseTo(4, 9);
    expect(d.everySeed).toBe(true);
    expect(d.significant).toBe(false);
  });

  it('a lead that flips on one seed does not hold; a steady one is significant', () => {
    const flips = pairedDifference([0.6, 0.7, 0.5], [0.5, 0.65, 0.55]);
    expect(flips.everySeed).toBe(false);
    // differences 0.1, 0.05, −0.05
    expect(flips.mean).toBeCloseTo(0.1 / 3, 12);
    // differences 0.1, 0.11, 0.12: mean 0.11, sd 0.01, t = 0.11 / (0.01/√3) ≈ 19.05 > 4.303
    const steady = pairedDifference([0.6, 0.61, 0.62], [0.5, 0.5, 0.5]);
    expect(steady.t).toBeCloseTo(11 * Math.sqrt(3), 6);
    expect(steady.significant).toBe(true);
  });
});

describe('the decision rule: separation on every seed at both budgets', () => {
  it('needs a lead on every seed at the lower and at the upper budget', () => {
    const a = { lower: [0.6, 0.7, 0.65], upper: [0.62, 0.72, 0.66] };
    expect(separates(a, { lower: [0.5, 0.6, 0.55], upper: [0.5, 0.6, 0.56] })).toBe(true);
    // ahead on every seed at the upper budget only
    expect(separates(a, { lower: [0.5, 0.72, 0.55], upper: [0.5, 0.6, 0.56] })).toBe(false);
    // ahead on every seed at the lower budget only
    expect(separates(a, { lower: [0.5, 0.6, 0.55], upper: [0.5, 0.6, 0.7] })).toBe(false);
  });

  it('groups by hand: a tied top of two, a loser both separate from, a middle only the leader separates from', () => {
    const scores = new Map([
      ['A', { lower: [0.6, 0.7, 0.65], upper: [0.62, 0.72, 0.66] }],
      // A − B at the upper budget: +0.02, −0.01, +0.02: not on every seed, so B is in A's top group
      ['B', { lower: [0.62, 0.68, 0.66], upper: [0.6, 0.73, 0.64] }],
      // below A and B on every seed at both budgets
      ['C', { lower: [0.5, 0.6, 0.55], upper: [0.5, 0.6, 0.56] }],
      // below A on every seed at both, above B on seed 2 at the lower budget (0.69 > 0.68)
      ['D', { lower: [0.55, 0.69, 0.5], upper: [0.55, 0.7, 0.5] }],
    ]);
    const v = verdict(scores);
    expect(v.order).toEqual(['A', 'B', 'D', 'C']);
    expect(v.leader).toBe('A');
    expect(v.top.map((t) => t.item)).toEqual(['A', 'B']);
    // A − B upper mean (0.02 − 0.01 + 0.02) / 3
    expect(v.tieWidth).toBeCloseTo(0.01, 12);
    expect(v.losers.map((l) => l.item)).toEqual(['C']);
    // B − C upper: 0.10, 0.13, 0.08 (mean 0.1033) is smaller than A − C: 0.12, 0.12, 0.10
    expect(v.losers[0].by).toBe('B');
    expect(v.losers[0].margin.mean).toBeCloseTo(0.31 / 3, 12);
    expect(v.middle).toEqual(['D']);
    // lower ranks C1 D2 A3 B4, upper C1 D2 B3 A4: Σd² = 2, ρ = 1 − 12/60 = 0.8; τ = (5 − 1)/6
    expect(v.rho).toBeCloseTo(0.8, 12);
    expect(v.tau).toBeCloseTo(4 / 6, 12);
    expect(verdict(scores, 0.9).settled).toBe(false);
  });

  it('names a single winner only when the leader separates from every other item', () => {
    const v = verdict(new Map([
      ['A', { lower: [0.7, 0.7, 0.7], upper: [0.8, 0.8, 0.8] }],
      ['B', { lower: [0.6, 0.65, 0.6], upper: [0.7, 0.75, 0.7] }],
      ['C', { lower: [0.5, 0.5, 0.5], upper: [0.6, 0.6, 0.6] }],
    ]));
    expect(v.top.map((t) => t.item)).toEqual(['A']);
    expect(v.tieWidth).toBe(0);
    expect(v.losers.map((l) => l.item)).toEqual(['B', 'C']);
    expect(v.middle).toEqual([]);
    expect(v.settled).toBe(true);
  });
});
