/**
 * `npm run train:base`: the shipped default model, reproducible from its seed.
 * Generates the training corpus (every video style and timbre in every split: the shipped model
 * should know all the looks and sounds the generator has; generalisation to an unseen style is
 * measured separately, by `needledrop eval` on a default corpus, which holds one out),
 * extracts and caches descriptors, trains the dual encoder with
 * InfoNCE (a contrastive loss) against soft positives from the latents (with --soft-positives 0,
 * mood-class positives; pair-only positives memorise the few hundred training pairs within ~20
 * epochs), selects on the validation split, writes models/base/.
 * The same train → evaluate → save workflow as `needledrop train` (engine/service/training.ts).
 *
 * The shipped models/base: the first 2,640 pairs of seed 7's 3,000-pair corpus, soft positives
 * (σ 0.1 in latent units), 1,150 steps (docs/eval-generalise.md, round 4):
 *   needledrop corpus --out .cache/gen/train-7-3000 --pairs 3000 --seed 7 --no-hold-out  (pairs
 *     render in order: the first 2,640 are enough)
 *   npm run train:base -- --corpus .cache/gen/train-7-3000 --use-pairs 2640
 * With --use-pairs the match calibration is fitted on the corpus's remaining pairs (2,641–3,000),
 * as scripts/calibrate-match.ts fits the shipped models/base/match-calibration.json: the recipe
 * reproduces that file (but its createdAt), not a test-split one.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultResourcesDir, localJob } from '../electron/engine/service';
import { baseCalibrationData, loadCorpus, makeCorpus, trainAndSave } from '../electron/engine/service/training';
import { formatReports, type ReportRow } from './cli/format';
import { interruptSignal, phaseStatus } from './cli/status';

const defaultOut = join(defaultResourcesDir(), 'models', 'base');
const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '600' },
    seed: { type: 'string', default: '7' },
    // 1,150: ≈ 40 passes of batch 64 over the 1,840 training pairs of the first 2,640 (900 paid at 1,393 pairs, 1,200 did not).
    steps: { type: 'string', default: '1150' },
    corpus: { type: 'string', default: '.cache/corpus-base' },
    out: { type: 'string', default: defaultOut },
    // Design choices are tried into a scratch --out (a folder named base) and compared on the
    // corpus's own test split, never on the seeds scripts/bench/generalise.ts reports.
    positives: { type: 'string', default: 'mood' },
    ema: { type: 'string', default: '0' },
    batch: { type: 'string', default: '64' },
    // 6 bins (216 classes) with 900 steps on ~1,400 training pairs (125 tied there); at ~400 finer classes did worse.
    'mood-bins': { type: 'string', default: '6' },
    // σ of soft positives (a latent-distance kernel over the batch, in place of mood classes); 0 = off.
    // 0.1 beat 216 mood classes on all six seed-7 validation galleries at 2,000 pairs and 900 steps.
    'soft-positives': { type: 'string', default: '0.1' },
    // Train on the first N pairs of the corpus only, without rendering the rest.
    'use-pairs': { type: 'string' },
  },
});
const seed = Number(values.seed);
const positives = values.positives;
if (positives !== 'pair' && positives !== 'mood') throw new Error(`--positives must be pair or mood, not "${positives}"`);
const softPositives = Number(values['soft-positives']);
if (!(softPositives >= 0)) throw new Error(`--soft-positives must be a number ≥ 0 (σ in latent units), not "${values['soft-positives']}"`);
const signal = interruptSignal();
const t0 = Date.now();
const lap = (): number => Math.round((Date.now() - t0) / 1000);
// Each phase ends on its final count, rate and time, in a pipe too; a validation line stays (phaseStatus).
const status = phaseStatus('train:base');
const job = localJob(signal, (phase, done, total, m) =>
  status.update(phase, done, total, {
    extra: `${m?.loss !== undefined ? ` loss ${m.loss.toFixed(4)}` : ''}${m?.valRecall10 !== undefined ? ` val R@10 ${m.valRecall10.toFixed(3)}` : ''}`,
    force: m?.valRecall10 !== undefined,
  }),
);

const usePairs = values['use-pairs'] === undefined ? undefined : Number(values['use-pairs']);
const corpusDir = usePairs === undefined ? (await makeCorpus({ out: resolve(values.corpus), pairs: Number(values.pairs), seed, holdOut: false, jobs: 2 }, job)).dir : resolve(values.corpus);
const tCorpus = lap();
const data = await loadCorpus(corpusDir, job, usePairs);
// The match calibration on the corpus's pairs after the ones base trains on (the shipped file's data;
// docs/cli-match.md), else trainAndSave's default, the test split.
const unused = usePairs === undefined ? [] : (await loadCorpus(corpusDir, job)).pairs.slice(usePairs);
const tFeatures = lap();
const out = await trainAndSave(
  {
    data,
    config: { loss: 'infonce', positives, ema: Number(values.ema), moodBins: Number(values['mood-bins']), ...(softPositives > 0 && { softPositives }), batchSize: Number(values.batch), evalEvery: 50, weightDecay: 1e-3, patience: 6, steps: Number(values.steps), seed },
    version: 'base',
    outDir: resolve(values.out),
    parent: null,
    trainingData: `synthetic corpus, seed ${seed}, ${usePairs === undefined ? '' : `the first ${usePairs} of `}${data.manifest.options.pairs} pairs, every style and timbre (npm run train:base)`,
    // One checkpoint folder per output folder: trials into scratch folders run side by side.
    checkpointDir: join(corpusDir, resolve(values.out) === defaultOut ? '.checkpoint-base' : `.checkpoint-${createHash('sha1').update(resolve(values.out)).digest('hex').slice(0, 8)}`),
    // Retraining replaces the shipped version: its folder is rebuilt from scratch.
    replace: true,
    ...(unused.length > 0 && { calibration: { pairs: unused, data: baseCalibrationData(usePairs!, usePairs! + unused.length, seed) } }),
    baselines: true,
    extra: { timings: { corpusSeconds: tCorpus, featuresSeconds: tFeatures - tCorpus } },
  },
  job,
);
status.done();
process.stdout.write(`${formatReports([{ ...out.test, method: 'base (InfoNCE)' }, ...out.baselines] as ReportRow[])}\n`);
process.stdout.write(
  `models/base written (best step ${out.result.bestStep}); corpus ${tCorpus} s, features ${tFeatures - tCorpus} s, training ${lap() - tFeatures} s, total ${lap()} s (backend ${out.backend})\n`,
);
