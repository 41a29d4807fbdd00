/**
 * Has a ranking stopped moving, and which differences hold? Rank correlations between two
 * budgets' scores of the same items, and paired per-seed differences between two items.
 */
import { tCritical975 } from './intervals';
import { meanSd } from './stats';

/** Ranks 1..n in ascending order of value; tied values share the mean of their ranks. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const ranks = new Array<number>(xs.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].x === order[start].x) end++;
    for (let k = start; k <= end; k++) ranks[order[k].i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

function checkPaired(xs: readonly number[], ys: readonly number[]): void {
  if (xs.length !== ys.length || xs.length < 2) throw new Error(`rank correlation needs two equally long lists of at least 2 values (got ${xs.length} and ${ys.length})`);
}

/** Spearman's ρ: Pearson's correlation of the average ranks (so ties are handled). */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  checkPaired(xs, ys);
  const rx = averageRanks(xs);
  const ry = averageRanks(ys);
  const m = (xs.length + 1) / 2;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Kendall's τ-b: (concordant − discordant) pairs, corrected for ties in either list. */
export function kendallTauB(xs: readonly number[], ys: readonly number[]): number {
  checkPaired(xs, ys);
  let s = 0, pairs = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = Math.sign(xs[j] - xs[i]);
      const dy = Math.sign(ys[j] - ys[i]);
      pairs++;
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      s += dx * dy;
    }
  }
  const denom = Math.sqrt((pairs - tiesX) * (pairs - tiesY));
  return denom === 0 ? NaN : s / denom;
}

export interface PairedDifference {
  /** a − b per seed, in the order given. */
  perSeed: number[];
  mean: number;
  sd: number;
  /** a beats b on every seed (every difference > 0). */
  everySeed: boolean;
  /** Paired t statistic mean / (sd / √n); ±Infinity when every difference is the same non-zero value. */
  t: number;
  /** |t| above the two-sided 5 % critical value for n − 1 degrees of freedom. */
  significant: boolean;
}

/** The paired difference a − b over seeds (a[i] and b[i] measured on the same seed). */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  checkPaired(a, b);
  const perSeed = a.map((x, i) => x - b[i]);
  const { mean, sd } = meanSd(perSeed);
  const t = sd > 0 ? mean / (sd / Math.sqrt(perSeed.length)) : mean === 0 ? 0 : Math.sign(mean) * Infinity;
  return { perSeed, mean, sd, everySeed: perSeed.every((d) => d > 0), t, significant: Math.abs(t) > tCritical975(perSeed.length - 1) };
}

/** One item's per-seed scores at the two largest budgets (same seed order in both). */
export interface TwoBudgetScores {
  lower: readonly number[];
  upper: readonly number[];
}

/**
 * a separates from b: a is above b on every seed at both budgets. With three seeds a t test is
 * weak and one training run can move a seed's score by more than the items differ, so a
 * difference counts only when it holds on every seed twice.
 */
export function separates(a: TwoBudgetScores, b: TwoBudgetScores): boolean {
  return pairedDifference(a.lower, b.lower).everySeed && pairedDifference(a.upper, b.upper).everySeed;
}

export interface Verdict {
  /** Rank agreement of the items' mean scores between the lower and the upper budget. */
  rho: number;
  tau: number;
  /** ρ reached the threshold. */
  settled: boolean;
  /** Items by mean score at the upper budget, best first. */
  order: string[];
  leader: string;
  /** The leader and every item it does not separate from, with the leader's paired lead over each at the upper budget (0 for itself). */
  top: Array<{ item: string; lead: PairedDifference | null }>;
  /** The largest of the leader's mean leads over the top group: they are tied within ± this. */
  tieWidth: number;
  /** Items every top member separates from, with the smallest top member's mean lead over each at the upper budget. */
  losers: Array<{ item: string; margin: PairedDifference; by: string }>;
  /** Neither in the top group nor separated from all of it. */
  middle: string[];
}

/**
 * The decision rule of docs/eval-losses.md (round 2), fixed before its runs: settled when
 * Spearman's ρ between the budgets is ≥ `threshold`; the top group is the leader at the upper
 * budget and every item it does not separate from; an item loses when every top member separates from it.
 */
export function verdict(scores: ReadonlyMap<string, TwoBudgetScores>, threshold = 0.8): Verdict {
  const items = [...scores.keys()];
  if (items.length < 2) throw new Error(`a verdict needs at least 2 items (got ${items.length})`);
  const get = (item: string): TwoBudgetScores => scores.get(item) as TwoBudgetScores;
  const mean = (xs: readonly number[]): number => meanSd(xs).mean;
  const lowerMeans = items.map((i) => mean(get(i).lower));
  const upperMeans = items.map((i) => mean(get(i).upper));
  const rho = spearman(lowerMeans, upperMeans);
  const tau = kendallTauB(lowerMeans, upperMeans);
  const order = items.map((item, k) => ({ item, m: upperMeans[k] })).sort((a, b) => b.m - a.m).map((x) => x.item);
  const leader = order[0];
  const lead = (a: string, b: string): PairedDifference => pairedDifference(get(a).upper, get(b).upper);
  const top = order.filter((i) => i === leader || !separates(get(leader), get(i))).map((item) => ({ item, lead: item === leader ? null : lead(leader, item) }));
  const topNames = top.map((t) => t.item);
  const losers = order
    .filter((i) => !topNames.includes(i) && topNames.every((t) => separates(get(t), get(i))))
    .map((item) => {
      const margins = topNames.map((t) => ({ by: t, margin: lead(t, item) })).sort((a, b) => a.margin.mean - b.margin.mean);
      return { item, ...margins[0] };
    });
  const loserNames = losers.map((l) => l.item);
  return {
    rho,
    tau,
    settled: rho >= threshold,
    order,
    leader,
    top,
    tieWidth: Math.max(0, ...top.map((t) => t.lead?.mean ?? 0)),
    losers,
    middle: order.filter((i) => !topNames.includes(i) && !loserNames.includes(i)),
  };
}
