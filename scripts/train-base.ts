/**
 * `npm run train:base`: the shipped default model, reproducible from its seed.
 * Generates the training corpus (every video style and timbre in every split: the shipped model
 * should know all the looks and sounds the generator has; generalisation to an unseen style is
 * measured separately, by `needledrop eval` on a default corpus, which holds one out),
 * extracts and caches descriptors, trains the dual encoder with
 * InfoNCE (a contrastive loss) with mood-class positives (pair-only positives memorise the few
 * hundred training pairs within ~20 epochs), selects on the validation split, writes models/base/.
 */
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../electron/engine/corpus/generate';
import { useBackend } from '../electron/engine/metric/backend';
import { shippedModelsDir } from '../electron/engine/paths';
import { bySplit } from '../electron/engine/train/dataset';
import { evaluateEmbedder, formatReports, handMadeBaseline, oracleBaseline, randomBaseline } from '../electron/engine/train/eval';
import { saveTrainedModel, tfEmbedder } from '../electron/engine/train/export';
import { trainDualEncoder } from '../electron/engine/train/trainer';
import { eta, interruptSignal, statusLine } from './cli/status';
import { loadCorpusWithProgress, trainStatus } from './cli/train-common';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '600' },
    seed: { type: 'string', default: '7' },
    steps: { type: 'string', default: '600' },
    corpus: { type: 'string', default: '.cache/corpus-base' },
    out: { type: 'string', default: join(shippedModelsDir(), 'base') },
  },
});
const seed = Number(values.seed);
const signal = interruptSignal();
const t0 = Date.now();
const lap = () => ((Date.now() - t0) / 1000).toFixed(0);

const corpusDir = resolve(values.corpus);
const gen = statusLine('corpus');
await generateCorpus({
  outDir: corpusDir,
  pairs: Number(values.pairs),
  seed,
  holdOut: false,
  jobs: 2,
  signal,
  onProgress: (p) => gen.update(`${p.done}/${p.total} pairs (${p.skipped} already there) ${p.rate.toFixed(2)}/s ETA ${eta(p.etaSeconds)}`),
});
gen.done(`${values.pairs} pairs in ${corpusDir} (${lap()} s)`);
const tCorpus = lap();

const data = await loadCorpusWithProgress(corpusDir, signal);
const tFeatures = lap();
const backend = await useBackend('wasm');
process.stderr.write(`training InfoNCE on ${bySplit(data, 'train').length} pairs, backend ${backend}\n`);
const result = await trainDualEncoder(data, { loss: 'infonce', positives: 'mood', evalEvery: 50, weightDecay: 1e-3, patience: 6, steps: Number(values.steps), seed }, { signal, onProgress: trainStatus('train'), checkpointDir: join(corpusDir, '.checkpoint-base') });
const tTrain = lap();

const test = bySplit(data, 'test');
const embedder = tfEmbedder(result, data);
const model = await evaluateEmbedder('base (InfoNCE)', test, embedder);
embedder.dispose();
const reports = [model, handMadeBaseline(test), randomBaseline(test, seed), oracleBaseline(test)];
process.stdout.write(`${formatReports(reports)}\n`);

// Retraining replaces the shipped version: its folder is rebuilt from scratch.
rmSync(resolve(values.out), { recursive: true, force: true });
const manifest = await saveTrainedModel(resolve(values.out), result, data, {
  version: 'base',
  parent: null,
  trainingData: `synthetic corpus, seed ${seed}, ${data.pairs.length} pairs, every style and timbre (npm run train:base)`,
  metrics: { test: model, baselines: reports.slice(1) },
  extra: { timings: { corpusSeconds: Number(tCorpus), featuresSeconds: Number(tFeatures) - Number(tCorpus), trainSeconds: Number(tTrain) - Number(tFeatures), totalSeconds: Number(lap()) } },
});
process.stdout.write(
  `models/base written (best step ${manifest.training.bestStep as number}); corpus ${tCorpus} s, features ${Number(tFeatures) - Number(tCorpus)} s, training ${Number(tTrain) - Number(tFeatures)} s, total ${lap()} s\n`,
);
