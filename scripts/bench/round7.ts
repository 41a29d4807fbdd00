/**
 * Round 7 of docs/eval-losses.md, as its protocol (fixed before any round-7 run) lays it out:
 * round 4's rule (δ = 0.05)
 *   A. at 720 steps over the 34 seeds 9001–9034 (round 5's, round 6's and round 7's runs), the table's answer;
 *   B. at 360 and 720 steps over the 22 seeds 9013–9034 (the runs with prefixes): has the ranking
 *      stopped moving, i.e. a verdict at both with the same members?
 * Round 7's verdict is A's when B stopped moving and A gives a verdict; otherwise none, naming the
 * part that failed. Printed after, deciding nothing: the rule at 180 steps over 9013–9034, whether
 * A's group is B's at 720, round 7's ten seeds alone, how many runs kept the same checkpoint at 360
 * and 720, and the MRR tables. loss-table.ts reads and checks the results and prints each table;
 * this file only says which tables, over which seeds, and what they decide.
 */
import { describeGroup, intervalWords, sameMembers, type Comparison, type GroupVerdict } from './winner-group';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** Round 7's own runs: ten fresh corpus seeds. */
export const ROUND7_SEEDS = range(9025, 9034);
/** A: every seed of the one recipe (round 5's 9001–9012, round 6's 9013–9024, round 7's). */
const A_SEEDS = range(9001, 9034);
/** B: the seeds whose runs have prefixes (rounds 6 and 7), the same runs at 180, 360 and 720 steps. */
const B_SEEDS = range(9013, 9034);

/** How a table is headed ("### <heading>, round-4 rule …") and which seeds its verdict lines name. */
export interface Part {
  heading: string;
  where: string;
}

/** What loss-table.ts lends: the rule's table at one budget over some seeds, the MRR table, a run's kept step. */
export interface Tables {
  table(steps: number, over: readonly number[], part: Part): { lines: string[]; verdict: GroupVerdict };
  secondary(steps: number, over: readonly number[], heading: string): string[];
  keptStep(seed: number, steps: number, loss: string): number;
  losses: readonly string[];
}

const span = (seeds: readonly number[]): string => `${seeds[0]}–${seeds[seeds.length - 1]}`;
const over = (seeds: readonly number[]): string => `over seeds ${span(seeds)}`;
const names = (cs: Comparison[]): string => cs.map((c) => c.loss).join(', ');
const margin = (c: Comparison): string => (c.t ? `${c.loss} by ${intervalWords(c)}` : `${c.loss} (${intervalWords(c)})`);

/** Why a budget's rule gave no verdict: which losses are undecided (or above the leader). */
function why(v: GroupVerdict): string {
  const undecided = v.comparisons.filter((c) => c.standing === 'undecided');
  const above = v.comparisons.filter((c) => c.standing === 'beats-leader');
  return [undecided.length ? `undecided: ${names(undecided)}` : '', above.length ? `above the leader: ${names(above)}` : ''].filter(Boolean).join('; ');
}

/** A verdict as the table's answer: the winner, or the group and its bound, and every loser with its mean margin and interval. */
function answer(v: GroupVerdict): string {
  const losers = v.comparisons.filter((c) => c.standing === 'loses');
  const head = v.kind === 'single winner' ? `${v.leader} wins` : `${v.leader} leads a winner group of ${v.group.length} (${v.group.join(', ')}), every member within ±${v.bound.toFixed(3)} of ${v.leader}`;
  return `${head}; ${losers.length ? `losing to ${v.leader}: ${losers.map(margin).join('; ')}` : 'no loss loses'}`;
}

/** A verdict for the JSON summary. */
function summarise(v: GroupVerdict): Record<string, unknown> {
  return {
    leader: v.leader,
    seeds: v.leaderSeeds,
    kind: v.kind,
    group: v.group,
    bound: Number.isFinite(v.bound) ? v.bound : null,
    comparisons: v.comparisons.map((c) => ({ loss: c.loss, seeds: c.seeds.length, mean: c.t?.mean ?? null, sd: c.t?.sd ?? null, lo: c.t?.lo ?? null, hi: c.t?.hi ?? null, bootstrap: c.bootstrap, standing: c.standing })),
  };
}

export function round7Report(t: Tables): { lines: string[]; summary: Record<string, unknown> } {
  const a = t.table(720, A_SEEDS, { heading: `A. 720 steps ${over(A_SEEDS)}`, where: ` ${over(A_SEEDS)}` });
  const [b360, b720] = [360, 720].map((steps) => t.table(steps, B_SEEDS, { heading: `B. ${steps} steps ${over(B_SEEDS)}`, where: ` ${over(B_SEEDS)}` }));
  const [v360, v720] = [b360.verdict, b720.verdict];
  const decided = (v: GroupVerdict): boolean => v.kind !== 'no verdict';
  const stopped = decided(v360) && decided(v720) && sameMembers(v360.group, v720.group);
  const failed = [
    ...(decided(v360) ? [] : [`B has no verdict at 360 steps (${why(v360)})`]),
    ...(decided(v720) ? [] : [`B has no verdict at 720 steps (${why(v720)})`]),
    ...(decided(v360) && decided(v720) && !stopped ? [`B's groups differ (360 steps: ${v360.group.join(', ')}; 720 steps: ${v720.group.join(', ')})`] : []),
    ...(decided(a.verdict) ? [] : [`A has no verdict at 720 steps ${over(A_SEEDS)} (${why(a.verdict)})`]),
  ];
  const passed = [...(stopped ? [`B (the same group at 360 and 720 steps: ${v720.group.join(', ')})`] : []), ...(decided(a.verdict) ? [`A (a verdict at 720 steps ${over(A_SEEDS)})`] : [])];
  const verdict = failed.length
    ? `Round 7's verdict: no verdict from round 7. Failed: ${failed.join('; ')}.${passed.length ? ` Passed, not enough alone: ${passed.join('; ')}.` : ''}`
    : `Round 7's verdict: B stopped moving and A gives a verdict, so the table's answer is A, at 720 steps over the ${A_SEEDS.length} seeds ${span(A_SEEDS)}: ${answer(a.verdict)}.`;

  // Deciding nothing, labelled so.
  const note = ' (deciding nothing)';
  const b180 = t.table(180, B_SEEDS, { heading: `Deciding nothing: 180 steps ${over(B_SEEDS)}`, where: ` ${over(B_SEEDS)}${note}` });
  const aVsB = decided(a.verdict) && decided(v720)
    ? `A's group at 720 steps (${A_SEEDS.length} seeds: ${a.verdict.group.join(', ')}) ${sameMembers(a.verdict.group, v720.group) ? 'is' : 'is not'} B's (${B_SEEDS.length} seeds: ${v720.group.join(', ')})`
    : `no verdict at 720 steps ${[decided(a.verdict) ? '' : over(A_SEEDS), decided(v720) ? '' : over(B_SEEDS)].filter(Boolean).join(' nor ')}, so no groups to compare`;
  const alone = [180, 360, 720].map((steps) => t.table(steps, ROUND7_SEEDS, { heading: `Deciding nothing: round 7's seeds alone, ${steps} steps ${over(ROUND7_SEEDS)}`, where: ` ${over(ROUND7_SEEDS)}${note}` }));
  // A run kept the same checkpoint at two budgets when early stopping's best step did not move between them.
  const sameKept = (lower: number, upper: number, seeds: readonly number[]): number => seeds.flatMap((s) => t.losses.filter((l) => t.keptStep(s, lower, l) === t.keptStep(s, upper, l))).length;
  const round6 = B_SEEDS.filter((s) => !ROUND7_SEEDS.includes(s));
  const kept = (lower: number, upper: number): string =>
    `${sameKept(lower, upper, B_SEEDS)} of the ${B_SEEDS.length * t.losses.length} runs ${over(B_SEEDS)} (round 6's seeds: ${sameKept(lower, upper, round6)} of ${round6.length * t.losses.length}; round 7's: ${sameKept(lower, upper, ROUND7_SEEDS)} of ${ROUND7_SEEDS.length * t.losses.length})`;

  const lines = [
    `Round 7 (docs/eval-losses.md, its protocol fixed before any round-7 run): round 4's rule (δ = 0.05) at 720 steps ${over(A_SEEDS)} (A: ${A_SEEDS.length} seeds, round 5's, round 6's and round 7's runs), and at 360 and 720 steps ${over(B_SEEDS)} (B: ${B_SEEDS.length} seeds, the runs with prefixes). The bootstrap column decides nothing: exact up to 12 seeds, beyond that 100 000 resamples drawn with a fixed seed.`,
    '',
    ...a.lines,
    ...b360.lines,
    ...b720.lines,
    `Round 7's B: is the winner group at 360 steps the same as at 720 ${over(B_SEEDS)} (prefixes of the same runs), both with a verdict? At 360: ${describeGroup(v360)}; at 720: ${describeGroup(v720)}. ${stopped ? 'Yes: the ranking has stopped moving (the same group at 360 and 720 steps).' : 'No: B does not say the ranking stopped moving.'}`,
    '',
    verdict,
    '',
    "Deciding nothing (read beside round 7's verdict; nothing below changes it):",
    '',
    ...b180.lines,
    `- Deciding nothing: ${aVsB}.`,
    '',
    ...alone.flatMap((x) => x.lines),
    `- Deciding nothing: the kept checkpoint (best step) is the same at 360 and 720 steps in ${kept(360, 720)}; at 180 and 360 in ${kept(180, 360)}.`,
    '',
    ...t.secondary(720, A_SEEDS, `A. 720 steps ${over(A_SEEDS)}`),
    ...[360, 720].flatMap((steps) => t.secondary(steps, B_SEEDS, `B. ${steps} steps ${over(B_SEEDS)}`)),
    ...t.secondary(180, B_SEEDS, `180 steps ${over(B_SEEDS)}`),
  ];
  const summary = {
    A: summarise(a.verdict),
    B: { '360': summarise(v360), '720': summarise(v720), stopped },
    answer: failed.length ? null : 'A',
    failed,
    decidingNothing: {
      '180': summarise(b180.verdict),
      round7Alone: Object.fromEntries(alone.map((x, i) => [String([180, 360, 720][i]), summarise(x.verdict)])),
      sameKept: { '360-720': sameKept(360, 720, B_SEEDS), '180-360': sameKept(180, 360, B_SEEDS), runs: B_SEEDS.length * t.losses.length },
    },
  };
  return { lines, summary };
}
