/**
 * The round-3 decision rule of docs/eval-losses.md, fixed before its runs: the leader against
 * every other loss by the 95 % t interval of the paired per-seed difference, over whatever seeds
 * the two share (the leaders ran on more seeds than the rest). A loss loses when the interval is
 * above 0, is tied when it lies inside ±δ, and is undecided otherwise; the winner group is the
 * leader with every tied or undecided loss.
 */
import { bootstrapInterval, tInterval95, type Interval, type MeanInterval } from './intervals';
import { meanSd } from './stats';

/** One loss's score (v→m Recall@10) per corpus seed at one budget. */
export type SeedScores = ReadonlyMap<number, number>;
/** Every loss's per-seed scores at one budget. */
export type BudgetScores = ReadonlyMap<string, SeedScores>;

export type Standing = 'loses' | 'tied' | 'undecided' | 'beats-leader';

export interface Comparison {
  loss: string;
  /** The seeds both the leader and this loss ran on, ascending. */
  seeds: number[];
  /** leader − loss per seed, in `seeds` order. */
  diffs: number[];
  /** The 95 % t interval of the mean difference; null with fewer than 2 shared seeds. */
  t: MeanInterval | null;
  /** The percentile bootstrap over the shared seeds, exact up to 12 (reported beside t, deciding nothing). */
  bootstrap: Interval | null;
  standing: Standing;
}

export interface GroupVerdict {
  leader: string;
  /** The seeds on which every loss of the round's set ran: the leader is chosen by its mean over these. */
  leaderSeeds: number[];
  /** Every other loss, the closest to the leader first (by mean difference). */
  comparisons: Comparison[];
  /** The leader first, then every tied or undecided loss. */
  group: string[];
  /** The largest |end| of the group members' intervals (Infinity when one has none; 0 for a group of one). */
  bound: number;
  kind: 'single winner' | 'winner group' | 'no verdict';
}

const sharedSeeds = (a: SeedScores, b: SeedScores): number[] => [...a.keys()].filter((s) => b.has(s)).sort((x, y) => x - y);

function standing(t: MeanInterval | null, delta: number): Standing {
  if (t === null) return 'undecided';
  if (t.lo > 0) return 'loses';
  if (t.hi < 0) return 'beats-leader';
  return t.lo >= -delta && t.hi <= delta ? 'tied' : 'undecided';
}

/**
 * The rule at one budget. `roundSet` are the losses run on every seed this round: the leader is the
 * one of them with the highest mean over the seeds all of them share (the first listed on a tie).
 */
export function winnerGroup(scores: BudgetScores, roundSet: readonly string[], delta = 0.05): GroupVerdict {
  const missing = roundSet.filter((l) => !scores.has(l));
  if (missing.length) throw new Error(`the round's losses have no scores at this budget: ${missing.join(', ')}`);
  const get = (l: string): SeedScores => scores.get(l) as SeedScores;
  const leaderSeeds = roundSet.map(get).reduce<number[]>((seeds, s) => seeds.filter((x) => s.has(x)), [...get(roundSet[0]).keys()].sort((x, y) => x - y));
  if (leaderSeeds.length === 0) throw new Error(`the round's losses share no seed: ${roundSet.join(', ')}`);
  const meanOver = (l: string): number => meanSd(leaderSeeds.map((s) => get(l).get(s) as number)).mean;
  const leader = roundSet.reduce((best, l) => (meanOver(l) > meanOver(best) ? l : best));
  const comparisons = [...scores.keys()]
    .filter((l) => l !== leader)
    .map((loss): Comparison => {
      const seeds = sharedSeeds(get(leader), get(loss));
      const diffs = seeds.map((s) => (get(leader).get(s) as number) - (get(loss).get(s) as number));
      const t = diffs.length >= 2 ? tInterval95(diffs) : null;
      const bootstrap = diffs.length >= 2 ? bootstrapInterval(diffs) : null;
      return { loss, seeds, diffs, t, bootstrap, standing: standing(t, delta) };
    })
    .sort((a, b) => meanSd(a.diffs).mean - meanSd(b.diffs).mean);
  const members = comparisons.filter((c) => c.standing === 'tied' || c.standing === 'undecided');
  const bound = Math.max(0, ...members.map((c) => (c.t ? Math.max(Math.abs(c.t.lo), Math.abs(c.t.hi)) : Infinity)));
  const kind = comparisons.every((c) => c.standing === 'loses')
    ? 'single winner'
    : comparisons.every((c) => c.standing === 'loses' || c.standing === 'tied')
      ? 'winner group'
      : 'no verdict';
  return { leader, leaderSeeds, comparisons, group: [leader, ...members.map((c) => c.loss)], bound, kind };
}

/** Each loss's scores kept only on the seeds where it ran at both budgets, so both budgets see the same seeds. */
export function onSeedsOfBoth(lower: BudgetScores, upper: BudgetScores): { lower: BudgetScores; upper: BudgetScores } {
  const keep = (from: BudgetScores, other: BudgetScores): BudgetScores =>
    new Map(
      [...from]
        .filter(([l]) => other.has(l))
        .map(([l, s]): [string, SeedScores] => [l, new Map([...s].filter(([seed]) => (other.get(l) as SeedScores).has(seed)))])
        .filter(([, s]) => s.size > 0),
    );
  return { lower: keep(lower, upper), upper: keep(upper, lower) };
}

export interface Stability {
  lower: GroupVerdict;
  upper: GroupVerdict;
  /** The winner groups hold the same losses (in any order). */
  same: boolean;
}

/** The ranking stops moving when the rule gives the same winner group at both budgets on the same seeds. */
export function groupStability(lower: BudgetScores, upper: BudgetScores, roundSet: readonly string[], delta = 0.05): Stability {
  const both = onSeedsOfBoth(lower, upper);
  const lo = winnerGroup(both.lower, roundSet, delta);
  const up = winnerGroup(both.upper, roundSet, delta);
  return { lower: lo, upper: up, same: sameMembers(lo.group, up.group) };
}

/** Whether two winner groups hold the same losses (in any order). */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l) => b.includes(l));
}

/** A verdict's group in words: "no verdict (group so far …)" when some loss is undecided, else its members, kind and bound. */
export function describeGroup(g: GroupVerdict): string {
  return g.kind === 'no verdict' ? `no verdict (group so far ${g.group.join(', ')})` : `${g.group.join(', ')} (${g.kind}, bound ±${g.bound.toFixed(3)})`;
}

/** A comparison's mean difference and its t interval in words ("0.030, 95 % [0.010, 0.051] over 34 seeds"), as the verdict lines print it. */
export function intervalWords(c: Comparison): string {
  return c.t ? `${c.t.mean.toFixed(3)}, 95 % [${c.t.lo.toFixed(3)}, ${c.t.hi.toFixed(3)}] over ${c.t.n} seeds` : `${c.seeds.length} shared seed`;
}
