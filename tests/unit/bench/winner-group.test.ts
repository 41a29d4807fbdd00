import { describe, expect, it } from 'vitest';
import { groupStability, onSeedsOfBoth, winnerGroup, type BudgetScores } from '../../../scripts/bench/winner-group';

const budget = (o: Record<string, Record<number, number>>): BudgetScores =>
  new Map(Object.entries(o).map(([l, s]) => [l, new Map(Object.entries(s).map(([seed, v]) => [Number(seed), v]))]));

// A and B are the round's set (seeds 1–4). Hand computations, A − X per seed:
// B: .02, −.01, .01, .02 → mean .01, sd √(6e-4 / 3) = .014142, half width 3.182 · .014142 / 2 = .0225: [−.0125, .0325] inside ±.05 → tied
// C (seeds 1–3): .20, .15, .13 → mean .16, sd √(26e-4 / 2) = .036056, half 4.303 · .036056 / √3 = .08957: lower .0704 > 0 → loses
// D: .10, −.05, .10, −.05 → mean .025, sd .086603, half 3.182 · .086603 / 2 = .13779: [−.1128, .1628] → undecided
const A = { 1: 0.7, 2: 0.6, 3: 0.65, 4: 0.75 };
const B = { 1: 0.68, 2: 0.61, 3: 0.64, 4: 0.73 };
const C = { 1: 0.5, 2: 0.45, 3: 0.52 };
const D = { 1: 0.6, 2: 0.65, 3: 0.55, 4: 0.8 };

describe('the round-3 rule at one budget', () => {
  it('a tied loss and a loser: a winner group of two, bound by the tied interval’s far end', () => {
    const v = winnerGroup(budget({ A, B, C }), ['A', 'B']);
    expect(v.leader).toBe('A');
    expect(v.leaderSeeds).toEqual([1, 2, 3, 4]);
    const [b, c] = v.comparisons;
    expect(b.loss).toBe('B');
    expect(b.standing).toBe('tied');
    expect(b.t?.lo).toBeCloseTo(-0.0125, 4);
    expect(b.t?.hi).toBeCloseTo(0.0325, 4);
    expect(c.loss).toBe('C');
    expect(c.seeds).toEqual([1, 2, 3]);
    expect(c.standing).toBe('loses');
    expect(c.t?.mean).toBeCloseTo(0.16, 12);
    expect(c.t?.lo).toBeCloseTo(0.16 - 0.08957, 4);
    expect(v.group).toEqual(['A', 'B']);
    expect(v.bound).toBeCloseTo(0.0325, 4);
    expect(v.kind).toBe('winner group');
  });

  it('an undecided loss and one sharing a single seed leave no verdict; the bound is then unbounded', () => {
    const v = winnerGroup(budget({ A, B, C, D, E: { 4: 0.9 } }), ['A', 'B']);
    const d = v.comparisons.find((x) => x.loss === 'D');
    expect(d?.standing).toBe('undecided');
    expect(d?.t?.lo).toBeCloseTo(0.025 - 0.13779, 4);
    const e = v.comparisons.find((x) => x.loss === 'E');
    expect(e?.t).toBeNull();
    expect(e?.standing).toBe('undecided');
    expect(new Set(v.group)).toEqual(new Set(['A', 'B', 'D', 'E']));
    expect(v.bound).toBe(Infinity);
    expect(v.kind).toBe('no verdict');
  });

  it('the tie band is δ: at δ = 0.03 B’s upper end .0325 lies outside it, so B is undecided', () => {
    const v = winnerGroup(budget({ A, B, C }), ['A', 'B'], 0.03);
    expect(v.comparisons[0].standing).toBe('undecided');
    expect(v.kind).toBe('no verdict');
    expect(winnerGroup(budget({ A, B, C }), ['A', 'B'], 0.033).kind).toBe('winner group');
  });

  it('a single winner when every other loss loses', () => {
    const v = winnerGroup(budget({ A, C }), ['A']);
    expect(v.kind).toBe('single winner');
    expect(v.group).toEqual(['A']);
    expect(v.bound).toBe(0);
  });

  it('the leader is chosen on the seeds the whole set shares, not on a member’s extra seeds', () => {
    // Over seeds 1–5 B's mean (.665·4 + 1) / 5 = .732 is above A's .675, but seed 5 is B's alone.
    const v = winnerGroup(budget({ A, B: { ...B, 5: 1 }, C }), ['A', 'B']);
    expect(v.leader).toBe('A');
    expect(v.comparisons.find((x) => x.loss === 'B')?.seeds).toEqual([1, 2, 3, 4]);
  });

  it('a loss above the leader on the seeds it shares with it beats the leader: no verdict', () => {
    const v = winnerGroup(budget({ A, B, F: { 1: 0.9, 2: 0.8 } }), ['A', 'B']);
    const f = v.comparisons.find((x) => x.loss === 'F');
    expect(f?.standing).toBe('beats-leader');
    expect(v.group).not.toContain('F');
    expect(v.kind).toBe('no verdict');
  });

  it('refuses a round whose losses have no scores or share no seed', () => {
    expect(() => winnerGroup(budget({ A }), ['A', 'B'])).toThrow(/no scores at this budget: B/);
    expect(() => winnerGroup(budget({ A: { 1: 0.5 }, B: { 2: 0.5 } }), ['A', 'B'])).toThrow(/share no seed/);
  });
});

describe('stability between two budgets on the same seeds', () => {
  it('keeps each loss only on the seeds it has at both budgets', () => {
    const both = onSeedsOfBoth(budget({ A: { 1: 0.5, 2: 0.6 }, G: { 1: 0.1 } }), budget({ A: { 1: 0.5, 2: 0.6, 3: 0.7 }, H: { 1: 0.2 } }));
    expect([...(both.upper.get('A')?.keys() ?? [])]).toEqual([1, 2]);
    expect(both.lower.has('G')).toBe(false);
    expect(both.upper.has('H')).toBe(false);
  });

  it('the same group at both budgets stops moving; a loser that is tied at the lower budget does not', () => {
    // Upper: A, B, C as above plus seed 5 for A and B only, which the check must drop (B far above A there).
    const upper = budget({ A: { ...A, 5: 0.1 }, B: { ...B, 5: 0.9 }, C });
    const steady = groupStability(budget({ A, B, C }), upper, ['A', 'B']);
    expect(steady.upper.leader).toBe('A');
    expect(steady.upper.leaderSeeds).toEqual([1, 2, 3, 4]);
    expect(steady.same).toBe(true);
    // At the lower budget A − C is −.01, +.01, 0 on seeds 1–3: mean 0, sd .01, half width 4.303 · .01 / √3 = .0248 → tied, in the group.
    const moved = groupStability(budget({ A, B, C: { 1: 0.71, 2: 0.59, 3: 0.65 } }), upper, ['A', 'B']);
    expect(moved.lower.group).toEqual(['A', 'C', 'B']);
    expect(moved.upper.group).toEqual(['A', 'B']);
    expect(moved.same).toBe(false);
  });
});
