import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { usageError } from '../../electron/engine/errors';
import { LOSS_NAMES, type LossName } from '../../electron/engine/metric/losses';
import { useBackend, type BackendName } from '../../electron/engine/metric/backend';
import { activate } from '../../electron/engine/models/registry';
import { dataHome, userModelsDir } from '../../electron/engine/paths';
import { bySplit } from '../../electron/engine/train/dataset';
import { evaluateEmbedder, formatReports } from '../../electron/engine/train/eval';
import { saveTrainedModel, tfEmbedder } from '../../electron/engine/train/export';
import { trainDualEncoder } from '../../electron/engine/train/trainer';
import { num, parse, printJson } from './args';
import { interruptSignal } from './status';
import { loadCorpusWithProgress, trainStatus } from './train-common';

export const usage =
  'needledrop train --corpus DIR --version NAME [--loss NAME] [--steps N] [--batch N] [--lr X] [--seed S] [--positives pair|mood] [--backend wasm|cpu] [--out MODELS_DIR] [--parent V] [--activate] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    corpus: { type: 'string' },
    version: { type: 'string' },
    loss: { type: 'string', default: 'infonce' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    positives: { type: 'string', default: 'pair' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
    parent: { type: 'string' },
    activate: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (!values.corpus) throw usageError('--corpus DIR is required');
  if (!values.version) throw usageError('--version NAME is required');
  if (values.positives !== 'pair' && values.positives !== 'mood') throw usageError('--positives must be pair or mood');
  if (!LOSS_NAMES.includes(values.loss as LossName)) throw usageError(`--loss must be one of ${LOSS_NAMES.join(', ')}`);
  const backend = await useBackend(values.backend as BackendName);
  const signal = interruptSignal();
  const data = await loadCorpusWithProgress(resolve(values.corpus), signal);
  // A version lives in a folder of its own name, under the user's models folder unless --out names another root.
  const outDir = join(resolve(values.out ?? userModelsDir()), values.version);
  if (existsSync(join(outDir, 'model.json'))) throw usageError(`model version "${values.version}" already exists at ${outDir}; pick another --version`);
  process.stderr.write(`training ${values.loss} on ${bySplit(data, 'train').length} pairs (backend ${backend})\n`);
  const result = await trainDualEncoder(
    data,
    {
      loss: values.loss as LossName,
      positives: values.positives,
      ...(values.steps && { steps: num(values.steps, 'steps', { min: 1, int: true }) }),
      ...(values.batch && { batchSize: num(values.batch, 'batch', { min: 2, int: true }) }),
      ...(values.lr && { lr: num(values.lr, 'lr', { min: 0 }) }),
      ...(values.seed && { seed: num(values.seed, 'seed', { int: true }) }),
    },
    { signal, onProgress: trainStatus('train'), checkpointDir: join(dataHome(), 'checkpoints', values.version) },
  );
  const embedder = tfEmbedder(result, data);
  const test = await evaluateEmbedder(values.version, bySplit(data, 'test'), embedder);
  embedder.dispose();
  const manifest = await saveTrainedModel(outDir, result, data, {
    version: values.version,
    parent: values.parent ?? null,
    trainingData: `corpus ${data.manifest.seed} (${data.pairs.length} pairs) at ${resolve(values.corpus)}`,
    metrics: { test },
  });
  if (values.activate) await activate(values.version);
  if (values.json) printJson({ manifest, test, bestStep: result.bestStep, seconds: result.seconds });
  else {
    process.stdout.write(`${formatReports([test])}\n`);
    process.stdout.write(`model ${manifest.version} written to ${outDir} (best step ${result.bestStep}, ${result.seconds.toFixed(0)} s)\n`);
  }
  return 0;
}
