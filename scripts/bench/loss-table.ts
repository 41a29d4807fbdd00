/**
 * The per-loss table over several corpus seeds and step budgets: every loss of the metric core
 * trained the way `needledrop eval --losses` trains it (same encoder, batch 64, mood positives,
 * seed 1, validation-only checkpoint choice) on each seed's train split and scored on its test
 * split (held-out style and timbre). Printed per budget: v→m and m→v Recall@10 and median rank,
 * mean ± sd over the seeds, the rank of each loss and which losses it beats on every seed; then
 * how far the ranking moved between budgets (Spearman's ρ, Kendall's τ-b of the mean v→m
 * Recall@10), and the largest budget's winner's paired lead over every other loss.
 * Each (seed, budget, loss) result is kept under --cache, so a cut-short run resumes. Several
 * workers can share one list: a run is claimed by a claim file (created exclusively, holding the
 * worker's pid; a dead worker's claim is taken over), so no two workers train the same run.
 * Tables cover, per budget, the losses finished on every seed; `--report` runs nothing and prints
 * from the cache. Last, the decision rule of docs/eval-losses.md (round 2) at the two largest
 * budgets where every listed loss has finished. With `--round3`, instead, the round-3 rule
 * (scripts/bench/winner-group.ts) over every seed each loss ran on (the leaders have more seeds than
 * the rest): per budget each loss against the leader by the 95 % t interval of the paired
 * difference (exact bootstrap beside it), the winner group, the losers with their margins, and
 * whether the group is the same at the two largest budgets.
 *
 * With `--round4` (a report only) the same rule on round 4's results (scripts/bench/round4.ts:
 * Recall@10 over each seed's test split and its extra test galleries, the mean reciprocal rank
 * beside it), over exactly round 4's planned seeds, budgets and losses, and only once every
 * planned run is in: before that it prints how many are in, and no statistic (no peeking).
 *
 * With `--round5` (a report only) the same rule at 360 and 720 steps: the 720-step runs from
 * round 5's results (scripts/bench/round5-worker.sh: round4.ts --steps 720, kept in the repo under
 * docs/eval-losses-round5 so the round survives sessions), the 360-step values from round 4's
 * summary (docs/eval-losses-seeds.json, written by `--round4 --json`), and round 5's question:
 * is the winner group at 720 steps round 4's group at 360? Again only once all 60 runs are in.
 *
 * With `--round6` (a report only) the same rule at 180, 360 and 720 steps on seeds 9013–9024
 * (round4.ts --prefixes 180,360: one 720-step run per seed and loss, scored also at what early
 * stopping kept by step 180 and 360), and round 6's question: is the winner group at 360 steps the
 * same as at 720, both with a verdict? Only once all 60 runs (180 files) are in.
 *
 * With `--round7` (a report only; scripts/bench/round7.ts) the same rule at 720 steps over seeds
 * 9001–9034 (round 5's, round 6's and round 7's runs) and at 360 and 720 over 9013–9034 (the runs
 * with prefixes), and round 7's verdict; only once all 50 round-7 runs (150 files) are in, and
 * round 5's and round 6's files pass their own round's checks.
 *
 *   nice -n 10 npx tsx scripts/bench/loss-table.ts [--seeds 9001,9002,9003] [--steps 90,180]
 *     [--losses all|a,b] [--cache .cache/gen] [--json FILE] [--report] [--round3]
 *   npx tsx scripts/bench/loss-table.ts --round4 [--cache .cache/gen/round4] [--json FILE]
 *   npx tsx scripts/bench/loss-table.ts --round5 [--cache docs/eval-losses-round5] [--round4-json docs/eval-losses-seeds.json] [--json FILE]
 *   npx tsx scripts/bench/loss-table.ts --round6 [--cache docs/eval-losses-round6] [--json FILE]
 *   npx tsx scripts/bench/loss-table.ts --round7 [--cache docs/eval-losses-round7] [--round6-cache docs/eval-losses-round6]
 *     [--round5-cache docs/eval-losses-round5] [--round4-json docs/eval-losses-seeds.json] [--json FILE]
 *
 * The corpora are those of scripts/bench/generalise.ts (.cache/gen/corpus-SEED); run it first.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIO_SPEC, VIDEO_SPEC } from '../../electron/engine/features/spec';
import type { MethodReport } from '../../electron/engine/train/eval';
import { claimRun, releaseRun } from './claim';
import { kendallTauB, pairedDifference, spearman, verdict, type PairedDifference, type TwoBudgetScores } from './rank-agreement';
import { tCritical975, tInterval95, type Interval } from './intervals';
import { ROUND7_SEEDS, round7Report, type Part } from './round7';
import { meanSd } from './stats';
import { describeGroup, groupStability, intervalWords, sameMembers, winnerGroup, type BudgetScores, type Comparison, type GroupVerdict } from './winner-group';

/** Round 3's set and tie band, fixed in docs/eval-losses.md before its runs: the five leaders at 360 steps in round 2. */
const ROUND3_SET = ['infonce', 'contrastive', 'triplet-margin', 'supcon', 'multi-similarity'];
const ROUND3_DELTA = 0.05;
/** Round 4's plan, fixed in docs/eval-losses.md before its runs: the same five losses and rule, these seeds and budgets. */
const ROUND4_SEEDS = [9001, 9002, 9003, 9004, 9005, 9006, 9007, 9008, 9009, 9010, 9011, 9012];
const ROUND4_BUDGETS = [180, 360];
/** Round 5's plan (docs/eval-losses.md): round 4's seeds and losses at 720 steps, beside round 4's 360; its question is whether round 4's 360-step group holds. */
const ROUND5_BUDGETS = [360, 720];
const ROUND4_GROUP_AT_360 = ['triplet-margin', 'multi-similarity', 'supcon', 'infonce'];
/** Round 6's plan (docs/eval-losses.md): the five losses on twelve fresh seeds, one 720-step run each scored at the prefixes 180 and 360. */
const ROUND6_SEEDS = [9013, 9014, 9015, 9016, 9017, 9018, 9019, 9020, 9021, 9022, 9023, 9024];
const ROUND6_BUDGETS = [180, 360, 720];
const ROUND6_RUN_STEPS = 720;
/** Round 6's validation grid: every 720 / 8 steps (round4.ts), so every kept step is a multiple of it. */
const ROUND6_EVAL_EVERY = 90;
/** The ffmpeg every round-6 result must record (the protocol's amendment of 11:40 UTC names it). */
const ROUND6_FFMPEG = '/usr/bin/ffmpeg: ffmpeg version 5.1.9-0+deb12u1 ';
/** Round 5's winner group at 720 steps, which round 6's secondary question compares against. */
const ROUND5_GROUP_AT_720 = ['triplet-margin', 'supcon'];

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '9001,9002,9003' },
    steps: { type: 'string', default: '90,180' },
    losses: { type: 'string', default: 'all' },
    cache: { type: 'string', default: '.cache/gen' },
    json: { type: 'string' },
    report: { type: 'boolean', default: false },
    round3: { type: 'boolean', default: false },
    round4: { type: 'boolean', default: false },
    round5: { type: 'boolean', default: false },
    round6: { type: 'boolean', default: false },
    round7: { type: 'boolean', default: false },
    'round4-json': { type: 'string', default: 'docs/eval-losses-seeds.json' },
    // Round 7 reads rounds 5 and 6 beside its own results (--cache); tests point these elsewhere.
    'round5-cache': { type: 'string', default: 'docs/eval-losses-round5' },
    'round6-cache': { type: 'string', default: 'docs/eval-losses-round6' },
  },
});
const planned = values.round4 || values.round5 || values.round6 || values.round7;
// Rounds 4–7 read exactly their plan: the rule sees neither more nor fewer runs than were fixed.
const seeds = values.round7 ? [...ROUND4_SEEDS, ...ROUND6_SEEDS, ...ROUND7_SEEDS] : values.round6 ? ROUND6_SEEDS : planned ? ROUND4_SEEDS : values.seeds.split(',').map(Number);
const budgets = values.round6 || values.round7 ? ROUND6_BUDGETS : values.round5 ? ROUND5_BUDGETS : values.round4 ? ROUND4_BUDGETS : values.steps.split(',').map(Number);
// The engine (TF.js, onnxruntime, the service) loads only to train: a report reads files and prints
// in about a second, where the whole engine's import cost five CPU-seconds (the tests run reports 40 times).
const engine = async () => ({ ...(await import('../../electron/engine/service')), ...(await import('../../electron/engine/service/training')), ...(await import('../../electron/engine/metric/losses')) });
const losses = planned ? ROUND3_SET : values.losses === 'all' ? [...(await engine()).LOSS_NAMES] : values.losses.split(',').map((await engine()).checkLoss);
const defaultCache = values.round7 ? 'docs/eval-losses-round7' : values.round6 ? 'docs/eval-losses-round6' : values.round5 ? 'docs/eval-losses-round5' : values.round4 ? '.cache/gen/round4' : '.cache/gen';
const cache = resolve(values.cache === '.cache/gen' ? defaultCache : values.cache);
const roundName = values.round7 ? 'Round 7' : values.round6 ? 'Round 6' : values.round5 ? 'Round 5' : 'Round 4';
const ruleName = planned ? 'round-4' : 'round-3';

/** Where results are read from: a folder, its seeds and budgets, and whose checks its files must pass (4: none beyond round 4's; 5: round 5's queries and galleries; 6: round 6's prefixes and ffmpeg too). */
interface Source {
  name: string;
  dir: string;
  seeds: number[];
  budgets: number[];
  checks: 4 | 5 | 6;
}
// Round 7 reads round 5's 720-step runs and round 6's results beside its own, each as its round accepted them.
const sources: Source[] = values.round7
  ? [
      { name: 'Round 5', dir: resolve(values['round5-cache']), seeds: ROUND4_SEEDS, budgets: [720], checks: 5 },
      { name: 'Round 6', dir: resolve(values['round6-cache']), seeds: ROUND6_SEEDS, budgets: ROUND6_BUDGETS, checks: 6 },
      { name: roundName, dir: cache, seeds: ROUND7_SEEDS, budgets: ROUND6_BUDGETS, checks: 6 },
    ]
  : [{ name: roundName, dir: cache, seeds, budgets, checks: values.round6 ? 6 : values.round5 ? 5 : 4 }];
const sourceOf = (seed: number): Source => sources.find((src) => src.seeds.includes(seed)) ?? sources[0];

const started = Date.now();
const results = new Map<string, MethodReport>();
const key = (seed: number, steps: number, loss: string): string => `${seed}/${steps}/${loss}`;
const resultFile = (seed: number, steps: number, loss: string): string => join(sourceOf(seed).dir, 'losses', `seed-${seed}`, `steps-${steps}`, `${loss}.json`);

// Smallest budget first over every seed: a run cut short still has one complete table.
for (const steps of values.report || planned ? [] : budgets) {
  for (const loss of losses) {
    for (const seed of seeds) {
      const file = resultFile(seed, steps, loss);
      if (existsSync(file) || !claimRun(file)) continue;
      // Another worker may have finished it between the check and the claim.
      if (existsSync(file)) {
        releaseRun(file);
        continue;
      }
      const t0 = Date.now();
      const { localJob, evaluate, checkLoss } = await engine();
      const job = localJob(new AbortController().signal, () => {});
      const r = await evaluate({ corpus: join(cache, `corpus-${seed}`), losses: [checkLoss(loss)], steps, split: 'test', positives: 'mood', provider: 'cpu' }, {}, job);
      writeFileSync(file, JSON.stringify({ ...r.losses[0], seconds: (Date.now() - t0) / 1000, pairs: r.pairs }, null, 2) + '\n');
      releaseRun(file);
      process.stderr.write(`${new Date().toISOString()} seed ${seed} steps ${steps} ${loss}: v→m R@10 ${r.losses[0].videoToMusic.recall10.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s; ${((Date.now() - started) / 60000).toFixed(1)} min in)\n`);
    }
  }
}
/** What round4.ts records beside the metrics: where the run's numbers came from. */
interface Round4Fields {
  seed?: number;
  steps?: number;
  trainSeed?: number;
  spec?: { video?: string; audio?: string };
  galleries?: Array<{ source?: string; ids?: unknown[] }>;
  bestStep?: number;
  /** Round 6's prefixes: the run this result was scored from. */
  run?: { steps?: number; prefix?: boolean; evalEvery?: number };
  ffmpeg?: string;
}

/** Round 4's extra test galleries hold 38 pairs each (round4.ts --gallery 38; 114 = 3 × 38). */
const ROUND4_GALLERY = 38;

/** Why a result does not count as the plan's run of this loss at this seed and budget (protocol: same training seed, same descriptors), or null; round 4's JSON summary has no per-query ranks. */
function round4Problem(r: MethodReport & Round4Fields, seed: number, steps: number, loss: string, checks: Source['checks'], needRanks = true): string | null {
  // round4.ts names the loss first ("infonce (best step 92, …)"): a file copied under another loss's name is not its run.
  if (typeof r.method !== 'string' || (r.method !== loss && !r.method.startsWith(`${loss} (`))) return `the run of "${r.method}", its name says ${loss}`;
  if (r.seed !== seed) return `seed ${String(r.seed)}, its folder says ${seed}`;
  if (r.steps !== steps) return `steps ${String(r.steps)}, its folder says ${steps}`;
  if (r.trainSeed !== 1) return `training seed ${String(r.trainSeed)}, the plan's is 1`;
  if (r.spec?.audio !== AUDIO_SPEC.version || r.spec?.video !== VIDEO_SPEC.version) {
    return `descriptors ${String(r.spec?.audio)} / ${String(r.spec?.video)}, today's are ${AUDIO_SPEC.version} / ${VIDEO_SPEC.version}`;
  }
  if (needRanks && (!Array.isArray(r.galleries) || r.galleries.length === 0)) return 'no per-query ranks (galleries)';
  if (checks === 5 && needRanks) {
    // The same queries as round 4's run of this seed: its count, and the extra set in galleries of 38.
    const at360 = round4Summary[key(seed, 360, loss)] as (MethodReport & { videoToMusic: { queries?: number } }) | undefined;
    const queries = (r.videoToMusic as { queries?: number }).queries;
    if (at360 && queries !== at360.videoToMusic.queries) return `${String(queries)} queries, round 4's run of this seed had ${String(at360.videoToMusic.queries)}`;
  }
  if (checks >= 5 && needRanks) {
    const odd = (r.galleries ?? []).find((g) => g.source === 'extra' && g.ids?.length !== ROUND4_GALLERY);
    if (odd) return `an extra gallery of ${String(odd.ids?.length)} pairs, the plan's are ${ROUND4_GALLERY}`;
  }
  if (checks === 6) {
    // A prefix is what the seed's one 720-step run kept by that step; the full run carries no prefix mark.
    if (steps < ROUND6_RUN_STEPS && (r.run?.steps !== ROUND6_RUN_STEPS || r.run?.prefix !== true)) return `not a prefix of a ${ROUND6_RUN_STEPS}-step run (run ${JSON.stringify(r.run ?? null)})`;
    if (steps === ROUND6_RUN_STEPS && r.run !== undefined) return `marked as a prefix (run ${JSON.stringify(r.run)}), its folder says the whole ${ROUND6_RUN_STEPS}-step run`;
    if (steps < ROUND6_RUN_STEPS && r.run?.evalEvery !== ROUND6_EVAL_EVERY) return `validation every ${String(r.run?.evalEvery)} steps, the plan's is every ${ROUND6_EVAL_EVERY}`;
    if (typeof r.bestStep !== 'number' || r.bestStep > steps) return `best step ${String(r.bestStep)}, after step ${steps}`;
    if (r.bestStep < ROUND6_EVAL_EVERY || r.bestStep % ROUND6_EVAL_EVERY !== 0) return `best step ${r.bestStep}, not on the plan's validation grid (every ${ROUND6_EVAL_EVERY} steps)`;
    const named = /\(best step (\d+),/.exec(r.method)?.[1];
    if (Number(named) !== r.bestStep) return `its method names best step ${String(named)}, its bestStep is ${r.bestStep}`;
    if (typeof r.ffmpeg !== 'string' || !r.ffmpeg) return 'no ffmpeg recorded';
    if (!r.ffmpeg.startsWith(ROUND6_FFMPEG)) return `ffmpeg "${r.ffmpeg.slice(0, 100)}", the round's is "${ROUND6_FFMPEG.trim()}"`;
  }
  return null;
}

/** Ends the report with exit status 2 and why: a file or summary that is not the plan's. */
function refuse(why: string): never {
  process.stderr.write(`${why}\n`);
  process.exit(2);
}

/** A result file, or a refusal naming it when it cannot be read (a worker killed while writing it). */
function readResult<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    refuse(`${file}: unreadable (${(e as Error).message.slice(0, 120)}); remove it and rerun that run`);
  }
}

// Round 5's 360-step values are round 4's runs, as round 4's verdict read them.
const round4Summary = values.round5 || values.round7 ? readResult<{ results: Record<string, MethodReport & Round4Fields> }>(resolve(values['round4-json'])).results : {};
// Whatever has finished, this worker's or another's.
for (const src of sources) {
  for (const steps of src.budgets) {
    for (const loss of losses) {
      for (const seed of src.seeds) {
        readOne(src, seed, steps, loss);
      }
    }
  }
}

/** One result into `results`, when it exists, refusing it when it is not the plan's. */
function readOne(src: Source, seed: number, steps: number, loss: string): void {
  if (values.round5 && steps === 360) {
    const r = round4Summary[key(seed, steps, loss)];
    // Round 4 is complete: a gap means the wrong summary, not a run still to come.
    if (!r) {
      refuse(`${values['round4-json']}: no ${key(seed, steps, loss)} (round 4's summary holds every run of its plan)`);
    }
    const problem = round4Problem(r, seed, steps, loss, src.checks, false);
    if (problem) {
      refuse(`${values['round4-json']}: ${key(seed, steps, loss)} is not round 4's run (${problem})`);
    }
    results.set(key(seed, steps, loss), r);
    return;
  }
  const file = resultFile(seed, steps, loss);
  if (!existsSync(file)) return;
  const result = readResult<MethodReport & Round4Fields>(file);
  // Rounds 4 and 5 are read only by their own rule, once complete (their protocol: no statistic on a partial set).
  if (!planned && Array.isArray(result.galleries)) {
    refuse(`${file}: a run of round 4, 5 or 6 (per-query ranks), or of round 7; read those with --round4, --round5, --round6 or --round7, which apply their rule only once every planned run is in`);
  }
  const problem = planned ? round4Problem(result, seed, steps, loss, src.checks) : null;
  if (problem) {
    refuse(`${file}: not a ${src.name.toLowerCase()} run of the plan (${problem}); move it away or rerun it`);
  }
  results.set(key(seed, steps, loss), result);
}
/** The losses finished on every seed at a budget, in the listed order. */
const complete = (steps: number): string[] => losses.filter((l) => seeds.every((s) => results.has(key(s, steps, l))));
const reported = budgets.filter((b) => complete(b).length >= 2);

const cell = (xs: number[], digits: number): string => {
  const { mean, sd } = meanSd(xs);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
};
if (planned) {
  // Round 5 plans only its 720-step runs; its 360-step values must all be in round 4's summary.
  const plannedBudgets = values.round5 ? [720] : budgets;
  const count = plannedBudgets.length * losses.length * seeds.length;
  const missingIn = (src: Source): string[] => src.budgets.flatMap((b) => losses.flatMap((l) => src.seeds.filter((s) => !results.has(key(s, b, l))).map((s) => `${s}/${b}/${l}`)));
  const missing = sources.flatMap(missingIn);
  if (missing.length === 0) for (const src of sources) if (src.checks === 6) oneRunPerSeedAndLoss(src.seeds);
  const missingPlanned = missing.filter((m) => plannedBudgets.some((b) => m.includes(`/${b}/`)));
  if (missing.length && values.round7) {
    // Round 7's count, and whether rounds 5 and 6 are all there to be read beside it: no statistic of any.
    const inOf = (src: Source): string => `${src.budgets.length * losses.length * src.seeds.length - missingIn(src).length} of ${src.budgets.length * losses.length * src.seeds.length}`;
    const [r5, r6, r7] = sources;
    process.stdout.write(
      `${roundName}: ${inOf(r7)} planned results (${losses.length * r7.seeds.length} runs × ${r7.budgets.length} budgets) are in (${r7.dir}); beside them round 5's 720-step runs, ${inOf(r5)} in (${r5.dir}), and round 6's results, ${inOf(r6)} in (${r6.dir}); the rule is applied only once all are in. Missing (seed/steps/loss): ${missing.join(', ')}\n`,
    );
    process.exit(0);
  }
  if (missing.length) {
    const what = values.round6 ? `results (${losses.length * seeds.length} runs × ${budgets.length} budgets)` : 'runs';
    process.stdout.write(`${roundName}: ${count - missingPlanned.length} of ${count} planned ${what} are in (${cache}); the rule is applied only once all are in. Missing (seed/steps/loss): ${missing.join(', ')}\n`);
    process.exit(0);
  }
}
if (values.round3 || planned) {
  // Round 7 reads the same budget over several seed sets: its parts are laid out by round7.ts.
  const r7 = values.round7
    ? round7Report({
        table: ruleTable,
        secondary: secondaryTable,
        keptStep: (seed, steps, loss) => (results.get(key(seed, steps, loss)) as Round4Fields).bestStep as number,
        losses,
      })
    : null;
  const body = r7 ? r7.lines : [...round3Lines(), ...(values.round5 ? round5Lines() : []), ...(values.round6 ? round6Lines() : []), ...(planned ? secondaryLines() : [])];
  process.stdout.write(`${body.join('\n')}\n`);
  if (values.json) {
    const runs = Object.fromEntries(budgets.map((b) => [String(b), Object.fromEntries([...budgetScores(b)].map(([l, m]) => [l, [...m.keys()]]))]));
    // Round 4's per-query ranks stay in the cache: the JSON keeps each run's summary.
    const summary = Object.fromEntries([...results].map(([k, r]) => [k, { ...r, galleries: undefined }]));
    writeFileSync(resolve(values.json), JSON.stringify({ seeds, budgets, runs, results: summary, ...(r7 ? { round7: r7.summary } : {}) }, null, 2) + '\n');
  }
  process.exit(0);
}
const perSeed = (steps: number, loss: string): MethodReport[] => seeds.map((s) => results.get(key(s, steps, loss)) as MethodReport);
const meanR10 = (steps: number, loss: string): number => meanSd(perSeed(steps, loss).map((r) => r.videoToMusic.recall10)).mean;
const ranking = (steps: number, among = complete(steps)): string[] => [...among].sort((a, b) => meanR10(steps, b) - meanR10(steps, a));

const r10 = (steps: number, loss: string): number[] => perSeed(steps, loss).map((r) => r.videoToMusic.recall10);

const lines: string[] = [];
for (const steps of reported) {
  const order = ranking(steps);
  // Which lower-ranked losses this one beats on every seed (paired), by their rank here.
  const beats = (loss: string): string => order.flatMap((other, j) => (other !== loss && pairedDifference(r10(steps, loss), r10(steps, other)).everySeed ? [String(j + 1)] : [])).join(', ') || '–';
  lines.push(
    `### ${steps} steps, ${order.length} losses (mean ± sd over seeds ${seeds.join(', ')}; ranked by mean v→m Recall@10)`,
    '',
    `| rank | loss | v→m R@10 | v→m median rank | m→v R@10 | m→v median rank | v→m R@10 per seed | beats on every seed (ranks) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...order.map((loss, i) => {
      const rs = perSeed(steps, loss);
      return `| ${i + 1} | ${loss} | ${cell(rs.map((r) => r.videoToMusic.recall10), 3)} | ${cell(rs.map((r) => r.videoToMusic.medianRank), 1)} | ${cell(rs.map((r) => r.musicToVideo.recall10), 3)} | ${cell(rs.map((r) => r.musicToVideo.medianRank), 1)} | ${rs.map((r) => r.videoToMusic.recall10.toFixed(3)).join(' / ')} | ${beats(loss)} |`;
    }),
    '',
  );
}

// Has the ranking stopped moving: rank correlation of the losses' mean v→m R@10 between budgets.
for (let i = 1; i < reported.length; i++) {
  const [a, b] = [reported[i - 1], reported[i]];
  const both = complete(a).filter((l) => complete(b).includes(l));
  if (both.length < 2) continue;
  const ma = both.map((l) => meanR10(a, l));
  const mb = both.map((l) => meanR10(b, l));
  lines.push(`Ranking ${a} → ${b} steps (the ${both.length} losses run at both): Spearman's ρ = ${spearman(ma, mb).toFixed(2)}, Kendall's τ-b = ${kendallTauB(ma, mb).toFixed(2)}; top 3 ${ranking(a, both).slice(0, 3).join(', ')} → ${ranking(b, both).slice(0, 3).join(', ')}.`);
}
lines.push('');

// The winner at the largest budget against every other loss, paired by seed.
if (reported.length === 0) {
  process.stdout.write(`no budget has two losses finished on every seed yet (${budgets.join(', ')} steps)\n`);
  process.exit(0);
}
const last = reported[reported.length - 1];
const order = ranking(last);
const winner = order[0];
const leads = order.slice(1).map((loss) => ({ loss, d: pairedDifference(r10(last, winner), r10(last, loss)) }));
const pm = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(3);
lines.push(
  `At ${last} steps, ${winner}'s lead in v→m Recall@10 (paired by seed; t over ${seeds.length - 1} degrees of freedom, * = |t| above the two-sided 5 % critical value):`,
  '',
  `| loss | ${winner} − loss, mean ± sd | per seed | on every seed | paired t |`,
  '| --- | --- | --- | --- | --- |',
  ...leads.map(({ loss, d }) => `| ${loss} | ${pm(d.mean)} ± ${d.sd.toFixed(3)} | ${d.perSeed.map(pm).join(' / ')} | ${d.everySeed ? 'yes' : 'no'} | ${d.t.toFixed(1)}${d.significant ? ' *' : ''} |`),
  '',
);
// With a handful of seeds a lead on every seed is the loose test and the paired t the strict one.
const names = (pred: (d: PairedDifference) => boolean): string => leads.filter(({ d }) => pred(d)).map(({ loss }) => loss).join(', ') || 'none';
lines.push(`${winner} beats on every seed: ${names((d) => d.everySeed)}; by a significant paired t: ${names((d) => d.significant)}.`);
const shipped = leads.find(({ loss }) => loss === 'infonce');
if (winner === 'infonce') lines.push("The shipped base's loss, infonce, leads.");
if (shipped) lines.push(`The shipped base's loss, infonce, trails by ${shipped.d.mean.toFixed(3)} ± ${shipped.d.sd.toFixed(3)} (${shipped.d.everySeed ? 'on every seed' : 'not on every seed'}; ${shipped.d.significant ? 'significant' : 'not significant'}).`);
lines.push('', ...verdictLines());
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) {
  const byBudget = Object.fromEntries(reported.map((b) => [String(b), complete(b)]));
  writeFileSync(resolve(values.json), JSON.stringify({ seeds, budgets: reported, losses: byBudget, results: Object.fromEntries(results) }, null, 2) + '\n');
}

/** The decision rule (docs/eval-losses.md, round 2) at the two largest budgets every listed loss finished. */
function verdictLines(): string[] {
  const full = budgets.filter((b) => complete(b).length === losses.length);
  if (full.length < 2) return [`Decision rule: not yet — it needs two budgets at which every listed loss has finished on every seed (${full.length ? `only ${full[0]} steps` : 'none'} so far).`];
  const [lower, upper] = full.slice(-2);
  const v = verdict(new Map(losses.map((l): [string, TwoBudgetScores] => [l, { lower: r10(lower, l), upper: r10(upper, l) }])));
  const lead = (d: PairedDifference | null): string => (d ? `${pm(d.mean)} (${d.perSeed.map(pm).join(' / ')}; t ${d.t.toFixed(1)})` : 'leader');
  return [
    `Decision rule at ${lower} and ${upper} steps (all ${losses.length} losses): Spearman's ρ = ${v.rho.toFixed(2)}, Kendall's τ-b = ${v.tau.toFixed(2)}: the ranking has ${v.settled ? '' : 'not '}settled (ρ ≥ 0.8).`,
    `- Top group (the leader and every loss it does not beat on every seed at both budgets), tied within ±${v.tieWidth.toFixed(3)}: ${v.top.map((t) => `${t.item} ${lead(t.lead)}`).join('; ')}.`,
    v.top.length === 1 ? `- Single winner: ${v.leader}.` : `- No single winner: ${v.top.length} losses tied.`,
    `- Lose (every top member beats them on every seed at both budgets; smallest top member's lead at ${upper}): ${v.losers.map((l) => `${l.item} by ${lead(l.margin)} (${l.by})`).join('; ') || 'none'}.`,
    `- Neither: ${v.middle.join(', ') || 'none'}.`,
  ];
}

/** Every listed loss's v→m Recall@10 per seed at one budget, over whichever of these seeds it finished. */
function budgetScores(steps: number, over: readonly number[] = seeds): BudgetScores {
  const out = new Map<string, Map<number, number>>();
  for (const loss of losses) {
    const bySeed = new Map(over.flatMap((s): Array<[number, number]> => {
      const r = results.get(key(s, steps, loss));
      return r ? [[s, r.videoToMusic.recall10]] : [];
    }));
    if (bySeed.size) out.set(loss, bySeed);
  }
  return out;
}

/** Seeds needed for an interval at this sd to fit inside ±δ or to exclude 0, whichever comes first (the mean kept). */
function seedsNeeded(mean: number, sd: number): string {
  for (let n = 2; n <= 60; n++) {
    const half = (tCritical975(n - 1) * sd) / Math.sqrt(n);
    if (Math.abs(mean) + half <= ROUND3_DELTA || half < Math.abs(mean)) return `≈ ${n}`;
  }
  return '> 60';
}

/** The round-3 rule of docs/eval-losses.md at every budget, then its stability between the two largest. */
function round3Lines(): string[] {
  const out: string[] = [];
  // The rule reads only the seeds asked for: say so when the cache holds others (e.g. --seeds left at its default).
  const cached = existsSync(join(cache, 'losses')) ? readdirSync(join(cache, 'losses')).flatMap((d) => (/^seed-\d+$/.test(d) ? [Number(d.slice(5))] : [])) : [];
  const left = cached.filter((s) => !seeds.includes(s)).sort((a, b) => a - b);
  if (left.length) out.push(`Note: the cache also holds seeds ${left.join(', ')}, not read (pass --seeds to include them).`, '');
  const ran = budgets.filter((b) => ROUND3_SET.every((l) => budgetScores(b).has(l)));
  for (const steps of ran) out.push(...ruleTable(steps, seeds).lines);
  if (ran.length < 2) return [...out, `Stability: needs the round-3 set at two budgets (${ran.length ? `only ${ran[0]} steps` : 'none'} so far).`];
  // Round 5 answers its own question (round5Lines: the same members and a verdict at 720 steps);
  // the members-only comparison below would read "stopped moving" where 720 has no verdict.
  if (values.round5 || values.round6) return out;
  const [lower, upper] = ran.slice(-2);
  const st = groupStability(budgetScores(lower), budgetScores(upper), ROUND3_SET, ROUND3_DELTA);
  const describe = (g: GroupVerdict): string => `${g.group.join(', ')} (leader ${g.leader} over seeds ${g.leaderSeeds.join(', ')}; ${g.kind}${g.kind === 'no verdict' ? '' : `, bound ±${g.bound.toFixed(3)}`})`;
  out.push(
    `Stability, ${lower} → ${upper} steps, each pair on the seeds it ran at both budgets: winner group at ${lower}: ${describe(st.lower)}; at ${upper}: ${describe(st.upper)}. The ranking ${st.same ? 'has stopped moving (the same group)' : 'has not stopped moving (the groups differ)'}.`,
    '',
    ...verdictSummary(st.lower, lower).map((l) => `(${lower} steps, same seeds) ${l}`),
    ...verdictSummary(st.upper, upper).map((l) => `(${upper} steps, same seeds) ${l}`),
  );
  return out;
}

/** The rule at one budget over these seeds: its table and its verdict in words, headed by `part` (by default just the budget). */
function ruleTable(steps: number, over: readonly number[], part: Part = { heading: `${steps} steps`, where: '' }): { lines: string[]; verdict: GroupVerdict } {
  const pm = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(3);
  const iv = (i: Interval | null): string => (i ? `[${pm(i.lo)}, ${pm(i.hi)}]` : '–');
  const scores = budgetScores(steps, over);
  const v = winnerGroup(scores, ROUND3_SET, ROUND3_DELTA);
  const shared = over.filter((s) => [...scores.values()].every((m) => m.has(s)));
  const r = (loss: string, s: number): MethodReport => results.get(key(s, steps, loss)) as MethodReport;
  const row = (loss: string, rank: number, c: Comparison | null): string => {
    const own = [...(scores.get(loss) as ReadonlyMap<number, number>).keys()];
    const d = c ? meanSd(c.diffs) : null;
    return `| ${rank} | ${loss} | ${own.length} | ${cell(own.map((s) => r(loss, s).videoToMusic.recall10), 3)} | ${shared.length ? meanSd(shared.map((s) => r(loss, s).videoToMusic.recall10)).mean.toFixed(3) : '–'} | ${cell(own.map((s) => r(loss, s).musicToVideo.recall10), 3)} | ${own.map((s) => r(loss, s).videoToMusic.recall10.toFixed(3)).join(' / ')} | ${c && d ? `${pm(d.mean)} ± ${d.sd.toFixed(3)} (${c.seeds.length})` : 'leader'} | ${c ? iv(c.t) : '–'} | ${c ? iv(c.bootstrap) : '–'} | ${c ? c.standing : '–'} |`;
  };
  const lines = [
    `### ${part.heading}, ${ruleName} rule (leader by its mean over seeds ${v.leaderSeeds.join(', ')}; every loss over the seeds it ran; δ = ${ROUND3_DELTA})`,
    '',
    `| rank | loss | seeds | v→m R@10 | mean on ${shared.length ? shared.join(', ') : '–'} | m→v R@10 | v→m R@10 per seed | ${v.leader} − loss, mean ± sd (seeds) | 95 % t interval | bootstrap 95 % | standing |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row(v.leader, 1, null),
    ...v.comparisons.map((c, i) => row(c.loss, i + 2, c)),
    '',
    ...verdictSummary(v, steps, part.where),
    '',
  ];
  return { lines, verdict: v };
}

/** The rule's verdict in words: the group with its bound, the losers with their margins, what is undecided; `where` names the seeds when a budget is read over several sets. */
function verdictSummary(v: GroupVerdict, steps: number, where = ''): string[] {
  const pick = (s: Comparison['standing']): Comparison[] => v.comparisons.filter((c) => c.standing === s);
  const lines = [
    v.kind === 'single winner'
      ? `- Verdict at ${steps} steps${where}: ${v.leader} wins; every other loss loses to it.`
      : v.kind === 'winner group'
        ? `- Verdict at ${steps} steps${where}: ${v.leader} leads a winner group of ${v.group.length} (${v.group.join(', ')}): no member is more than ${v.bound.toFixed(3)} better or worse than ${v.leader} (95 % t intervals).`
        : `- No verdict at ${steps} steps${where}: ${pick('undecided').length} undecided${pick('beats-leader').length ? `, ${pick('beats-leader').length} above the leader on the seeds they share` : ''}; winner group so far ${v.group.join(', ')}.`,
    `- Tied with ${v.leader} within ±${ROUND3_DELTA}: ${pick('tied').map((c) => `${c.loss} (${intervalWords(c)})`).join('; ') || 'none'}.`,
    `- Lose to ${v.leader} (by the mean lead, at least by the interval's lower end): ${pick('loses').map((c) => `${c.loss} by ${intervalWords(c)}`).join('; ') || 'none'}.`,
  ];
  const undecided = pick('undecided');
  if (undecided.length) lines.push(`- Undecided (seeds needed at the same mean and sd for the interval to fit ±${ROUND3_DELTA} or exclude 0): ${undecided.map((c) => `${c.loss} (${intervalWords(c)}; ${c.t ? seedsNeeded(c.t.mean, c.t.sd) : 'at least 2'} seeds)`).join('; ')}.`);
  const above = pick('beats-leader');
  if (above.length) lines.push(`- Above the leader on the seeds they share: ${above.map((c) => `${c.loss} (${intervalWords(c)})`).join('; ')}.`);
  return lines;
}

/** Round 5's one question, as its protocol words it: is the winner group at 720 steps round 4's group at 360? */
function round5Lines(): string[] {
  const at720 = winnerGroup(budgetScores(720), ROUND3_SET, ROUND3_DELTA);
  const same = at720.kind !== 'no verdict' && sameMembers(at720.group, ROUND4_GROUP_AT_360);
  return [
    '',
    `Round 5's question: is the winner group at 720 steps round 4's at 360 (${ROUND4_GROUP_AT_360.join(', ')})? At 720 steps: ${at720.kind === 'no verdict' ? `no verdict (group so far ${at720.group.join(', ')})` : `${at720.group.join(', ')} (${at720.kind})`}. ${same ? 'Yes: the ranking has stopped moving; the table\'s answer is the group at 720 steps.' : 'No: no verdict from round 5, and no further budget without a new protocol.'}`,
    '',
  ];
}

/**
 * A seed and loss's three results must be one run (review F3 of session 14): the same galleries as
 * the seed's other results, kept steps that never go back (180 ≤ 360 ≤ 720), and where a longer
 * budget kept a step the shorter one had already reached, the very same model (the same ranks).
 */
function oneRunPerSeedAndLoss(runSeeds: readonly number[]): void {
  const at = (seed: number, b: number, l: string): MethodReport & Round4Fields => results.get(key(seed, b, l)) as MethodReport & Round4Fields;
  const ids = (r: Round4Fields): string => JSON.stringify((r.galleries ?? []).map((g) => g.ids));
  const model = (r: MethodReport & Round4Fields): string => JSON.stringify([r.galleries, r.videoToMusic, r.musicToVideo, (r as { testSplit?: unknown }).testSplit]);
  for (const seed of runSeeds) {
    const ref = at(seed, ROUND6_RUN_STEPS, losses[0]);
    for (const l of losses) {
      for (const b of budgets) {
        if (ids(at(seed, b, l)) !== ids(ref)) refuse(`${resultFile(seed, b, l)}: other queries than ${resultFile(seed, ROUND6_RUN_STEPS, losses[0])} (round 6 scores every prefix of a seed on the same galleries)`);
      }
      for (const [i, shorter] of budgets.entries()) {
        for (const longer of budgets.slice(i + 1)) {
          const [s1, s2] = [at(seed, shorter, l).bestStep as number, at(seed, longer, l).bestStep as number];
          if (s2 < s1) refuse(`${resultFile(seed, longer, l)}: kept step ${s2}, before the ${s1} kept by step ${shorter} (${resultFile(seed, shorter, l)}); not one run`);
          if (s2 <= shorter && model(at(seed, longer, l)) !== model(at(seed, shorter, l))) {
            refuse(`${resultFile(seed, longer, l)}: kept step ${s2} (reached by step ${shorter}) but its ranks differ from ${resultFile(seed, shorter, l)}; not one run`);
          }
        }
      }
    }
  }
}

/** Round 6's question, as its protocol words it: is the winner group at 360 steps the same as at 720, both with a verdict? And, deciding nothing, is the 720 group round 5's? */
function round6Lines(): string[] {
  const group = (steps: number): GroupVerdict => winnerGroup(budgetScores(steps), ROUND3_SET, ROUND3_DELTA);
  const [at180, at360, at720] = ROUND6_BUDGETS.map(group);
  // Groups are compared only where the rule gave a verdict (review F9): "group so far" is no group.
  const members = (g: GroupVerdict): string[] | null => (g.kind === 'no verdict' ? null : g.group);
  const [g180, g360, g720] = [members(at180), members(at360), members(at720)];
  const stopped = g360 !== null && g720 !== null && sameMembers(g360, g720);
  const line180 = g180 && g360 ? `the group at 180 steps ${sameMembers(g180, g360) ? 'is' : 'is not'} the group at 360` : `no verdict at ${g180 ? 360 : 180} steps, so no groups to compare at 180 and 360`;
  const line720 = `round 5's group at 720 steps on seeds 9001–9012 was ${ROUND5_GROUP_AT_720.join(', ')}, and ${g720 ? `round 6's at 720 ${sameMembers(g720, ROUND5_GROUP_AT_720) ? 'is the same' : 'is not the same'}` : 'round 6 has no verdict at 720 steps to compare'}`;
  return [
    '',
    `Round 6's question: is the winner group at 360 steps the same as at 720 (prefixes of the same runs), both with a verdict? At 180 steps: ${describeGroup(at180)}; at 360: ${describeGroup(at360)}; at 720: ${describeGroup(at720)}. ${
      stopped ? "Yes: the ranking has stopped moving (the same group at 360 and 720 steps); the table's answer is the group at 720 steps with its bound, and each loser with its margin." : 'No: no verdict from round 6.'
    }`,
    `Deciding nothing: ${line180}; ${line720}.`,
    '',
  ];
}

/** Round 4's secondary endpoint, deciding nothing: the mean reciprocal rank over the same queries, against the primary's leader. */
function secondaryLines(): string[] {
  return budgets.flatMap((steps) => secondaryTable(steps, seeds));
}

/** The secondary endpoint at one budget over these seeds, headed by `heading` (by default just the budget). */
function secondaryTable(steps: number, over: readonly number[], heading = `${steps} steps`): string[] {
  const pm = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(3);
  const mrr = (r: MethodReport): number => (r.videoToMusic as MethodReport['videoToMusic'] & { mrr: number }).mrr;
  const leader = winnerGroup(budgetScores(steps, over), ROUND3_SET, ROUND3_DELTA).leader;
  const per = (loss: string): number[] => over.map((s) => mrr(results.get(key(s, steps, loss)) as MethodReport));
  // The test split alone is round 3's number (one gallery per seed), for reading beside the primary.
  const split = (loss: string): string => {
    const xs = over.map((s) => (results.get(key(s, steps, loss)) as MethodReport & { testSplit?: MethodReport }).testSplit?.videoToMusic.recall10);
    return xs.every((x) => x !== undefined) ? cell(xs as number[], 3) : '–';
  };
  return [
    `#### ${heading}, secondary endpoint: v→m mean reciprocal rank (same queries; deciding nothing)`,
    '',
    `| loss | v→m MRR | ${leader} − loss, mean ± sd | 95 % t interval | v→m R@10 on the test split alone |`,
    '| --- | --- | --- | --- | --- |',
    ...losses.map((loss) => {
      if (loss === leader) return `| ${loss} | ${cell(per(loss), 3)} | leader | – | ${split(loss)} |`;
      const diffs = per(leader).map((x, i) => x - per(loss)[i]);
      const t = tInterval95(diffs);
      return `| ${loss} | ${cell(per(loss), 3)} | ${pm(t.mean)} ± ${t.sd.toFixed(3)} | [${pm(t.lo)}, ${pm(t.hi)}] | ${split(loss)} |`;
    }),
    '',
  ];
}
