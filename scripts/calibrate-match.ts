/**
 * `npx tsx scripts/calibrate-match.ts`: the shipped base model's match calibration
 * (models/base/match-calibration.json; docs/cli-match.md, "The fit").
 *
 * Fitted on pairs 2,641–3,000 of seed 7's 3,000-pair corpus: rendered with the training corpus;
 * base never trained or early-stopped on them (it trained, validated and tested on the first
 * 2,640), but they were round 4's validation galleries H–J (docs/eval-generalise.md), on which
 * the shipped base was chosen between two candidates. Checked on the test split of the first
 * 2,640 (398 pairs: never trained on, early stopping did not look at them, earlier design
 * comparisons did) and on the base benchmark (seed 2718, 24 pairs, 12 s tracks): predicted
 * confidence against the observed share of true pairs per score bin, at even odds. On two
 * corpora base never touched in any way (loss-table seeds 9004 and 9005, first 150 pairs each)
 * the shipped curve gives AUC 0.972 / 0.978 and balanced log-loss 0.209 / 0.174 (0.203 on the
 * fit set): the model selection left no measurable optimism.
 * `npm run train:base -- --use-pairs 2640` on this corpus ends with this same fit (trainAndSave's
 * `calibration`, on the pairs after the ones it trained on), so the recipe reproduces the shipped
 * file; this script refits and checks it without training.
 *   needledrop corpus --out .cache/gen/train-7-3000 --pairs 3000 --seed 7 --no-hold-out
 *   npx tsx scripts/calibrate-match.ts [--corpus DIR] [--model DIR] [--dry-run]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultResourcesDir } from '../electron/engine/service';
import { baseCalibrationData, heldOutMatchScores, writeCalibration, type PairScores } from '../electron/engine/app/match-calibration';
import { balancedLogLoss, calibratedFit, evenScore, fitCalibration } from '../electron/engine/app/match-fit';
import { loadModelVersion } from '../electron/engine/models/version';
import { baseBenchmarkPairs } from '../electron/engine/train/base-benchmark';
import { loadTrainingData, type PairSample } from '../electron/engine/train/dataset';
import { quantileSorted } from '../electron/engine/util/quantile';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '.cache/gen/train-7-3000' },
    model: { type: 'string', default: join(defaultResourcesDir(), 'models', 'base') },
    benchmark: { type: 'string', default: '.cache/gen/base-benchmark' },
    'dry-run': { type: 'boolean', default: false },
  },
});
const FIRST_UNUSED = 2640;
const model = await loadModelVersion(resolve(values.model));
const shape = { window: model.manifest.window, hop: model.manifest.hop };
const data = await loadTrainingData(resolve(values.corpus), { ...shape, jobs: 2 });
const unused = data.pairs.slice(FIRST_UNUSED);
const test = data.pairs.slice(0, FIRST_UNUSED).filter((p) => p.split === 'test');
const benchmark = await baseBenchmarkPairs(resolve(values.benchmark), shape);

const fmt = (x: number, d = 3): string => x.toFixed(d);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const quantiles = (xs: number[]): string => {
  const s = sorted(xs);
  return [0.05, 0.25, 0.5, 0.75, 0.95].map((q) => fmt(quantileSorted(s, q))).join(' / ');
};

/** Share of (true, non-pair) score pairs ordered right (ties half): the ROC AUC, which a monotone map keeps. */
function auc(pos: number[], neg: number[]): number {
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

/** Per fit bin: mean predicted fit against the observed share of true pairs with both classes weighted one half. */
function reliability(s: PairScores, cal: { slope: number; intercept: number }): string[] {
  const edges = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1];
  const lines: string[] = [];
  for (let b = 0; b + 1 < edges.length; b++) {
    const inBin = (x: number): boolean => {
      const f = calibratedFit(x, cal);
      return f >= edges[b] && (f < edges[b + 1] || b + 2 === edges.length);
    };
    const pos = s.positives.filter(inBin);
    const neg = s.negatives.filter(inBin);
    const wPos = pos.length / s.positives.length;
    const wNeg = neg.length / s.negatives.length;
    if (wPos + wNeg === 0) continue;
    const predicted = [...pos, ...neg].reduce((t, x) => t + calibratedFit(x, cal), 0) / (pos.length + neg.length);
    lines.push(`  fit ${fmt(edges[b], 1)}–${fmt(edges[b + 1], 1)}: ${pos.length} true / ${neg.length} non-pairs, observed ${fmt(wPos / (wPos + wNeg))} (even odds), mean predicted ${fmt(predicted)}`);
  }
  return lines;
}

function describe(name: string, pairs: PairSample[], s: PairScores, cal: { slope: number; intercept: number }): void {
  const fits = (xs: number[]): number[] => xs.map((x) => calibratedFit(x, cal));
  const top1 = pairs.filter((_, i) => {
    const row = s.scores.subarray(i * s.n, (i + 1) * s.n);
    return row.every((v, j) => j === i || v < row[i]);
  }).length;
  process.stdout.write(
    [
      `${name}: ${s.n} pairs (${s.positives.length} true, ${s.negatives.length} non-pairs), true track 1st for ${top1}`,
      `  score q05/q25/median/q75/q95: true ${quantiles(s.positives)}; non-pairs ${quantiles(s.negatives)}`,
      `  fit   q05/q25/median/q75/q95: true ${quantiles(fits(s.positives))}; non-pairs ${quantiles(fits(s.negatives))}`,
      `  AUC ${fmt(auc(s.positives, s.negatives))}, balanced log-loss ${fmt(balancedLogLoss(s, cal))}, mean fit true ${fmt(fits(s.positives).reduce((a, b) => a + b, 0) / s.positives.length)}, non-pairs ${fmt(fits(s.negatives).reduce((a, b) => a + b, 0) / s.negatives.length)}`,
      ...reliability(s, cal),
      '',
    ].join('\n'),
  );
}

const t0 = Date.now();
const fitted = await heldOutMatchScores(unused, model);
const cal = fitCalibration(fitted.positives, fitted.negatives);
process.stdout.write(`calibration: fit = σ(${fmt(cal.slope)} · score + ${fmt(cal.intercept)}), fit ½ at score ${fmt(evenScore(cal))}\n\n`);
describe(`fitted on seed 7 pairs ${FIRST_UNUSED + 1}–${data.pairs.length}`, unused, fitted, cal);
describe('checked on seed 7 test split', test, await heldOutMatchScores(test, model), cal);
describe('checked on the base benchmark (seed 2718)', benchmark, await heldOutMatchScores(benchmark, model), cal);
process.stdout.write(`${Math.round((Date.now() - t0) / 1000)} s\n`);
if (!values['dry-run']) {
  await writeCalibration(model.dir, fitted, cal, baseCalibrationData(FIRST_UNUSED, data.pairs.length, data.manifest.seed));
  process.stdout.write(`wrote ${join(model.dir, 'match-calibration.json')}\n`);
}
