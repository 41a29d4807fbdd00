import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { usageError } from '../../electron/engine/errors';
import { isProviderRequest } from '../../electron/engine/encoders/providers';
import { useBackend, type BackendName } from '../../electron/engine/metric/backend';
import { LOSS_NAMES, type LossName } from '../../electron/engine/metric/losses';
import { activeModel, loadModel } from '../../electron/engine/models/registry';
import { bySplit } from '../../electron/engine/train/dataset';
import { evaluateEmbedder, formatReports, handMadeBaseline, oracleBaseline, randomBaseline, type MethodReport } from '../../electron/engine/train/eval';
import { onnxEmbedder, tfEmbedder } from '../../electron/engine/train/export';
import { trainDualEncoder } from '../../electron/engine/train/trainer';
import { num, parse, printJson } from './args';
import { interruptSignal } from './status';
import { loadCorpusWithProgress, trainStatus } from './train-common';

export const usage = 'needledrop eval --corpus DIR [--model V] [--provider auto|cpu|cuda|dml|coreml] [--split test|val|all] [--losses all|a,b,…] [--steps N] [--positives pair|mood] [--report FILE] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    corpus: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
    losses: { type: 'string' },
    steps: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    report: { type: 'string' },
    split: { type: 'string', default: 'test' },
    positives: { type: 'string', default: 'mood' },
    json: { type: 'boolean', default: false },
  });
  if (!values.corpus) throw usageError('--corpus DIR is required');
  if (!isProviderRequest(values.provider)) throw usageError(`--provider must be auto, cpu, cuda, dml or coreml`);
  const signal = interruptSignal();
  const data = await loadCorpusWithProgress(resolve(values.corpus), signal);
  // 'all' is for a corpus generated with a seed the model never saw: every pair is then held out.
  if (!['test', 'val', 'all'].includes(values.split)) throw usageError('--split must be test, val or all');
  const test = values.split === 'all' ? data.pairs : bySplit(data, values.split as 'test' | 'val');
  if (test.length < 2) throw usageError(`${values.corpus}: the ${values.split} split has ${test.length} pairs; generate a larger corpus`);

  const version = values.model ?? (await activeModel());
  const model = await loadModel({ version, expectedSpec: data.spec });
  const embedder = await onnxEmbedder(model, values.provider);
  process.stderr.write(`model ${version} on onnxruntime-node, provider ${embedder.provider}\n`);
  const reports: MethodReport[] = [await evaluateEmbedder(`model ${version} (${model.manifest.loss})`, test, embedder)];
  await embedder.close();
  reports.push(handMadeBaseline(test), randomBaseline(test, data.manifest.seed), oracleBaseline(test));

  const lossReports: MethodReport[] = [];
  if (values.losses) {
    const names = values.losses === 'all' ? [...LOSS_NAMES] : (values.losses.split(',') as LossName[]);
    for (const n of names) if (!LOSS_NAMES.includes(n)) throw usageError(`unknown loss "${n}"`);
    const backend = await useBackend(values.backend as BackendName);
    const steps = num(values.steps, 'steps', { min: 1, int: true }) ?? 600;
    const seed = num(values.seed, 'seed', { int: true }) ?? 1;
    if (values.positives !== 'pair' && values.positives !== 'mood') throw usageError('--positives must be pair or mood');
    const positives = values.positives;
    process.stderr.write(`training ${names.length} losses, ${steps} steps each, same encoder/split/seed, backend ${backend}\n`);
    for (const loss of names) {
      const result = await trainDualEncoder(data, { loss, steps, seed, positives, evalEvery: Math.max(10, Math.round(steps / 8)) }, { signal, onProgress: trainStatus(loss) });
      const tfEmb = tfEmbedder(result, data);
      const r = await evaluateEmbedder(loss, test, tfEmb);
      tfEmb.dispose();
      lossReports.push({ ...r, method: `${loss} (best step ${result.bestStep}, val R@10 ${result.bestValRecall10.toFixed(3)})` });
    }
  }

  const doc = { corpus: resolve(values.corpus), seed: data.manifest.seed, split: values.split, pairs: test.length, provider: embedder.provider, model: version, reports, losses: lossReports };
  if (values.report) {
    const path = resolve(values.report);
    mkdirSync(dirname(path), { recursive: true });
    const md = [
      `# Evaluation on corpus seed ${data.manifest.seed} (${values.split} split, ${test.length} pairs)`,
      '',
      formatReports(reports),
      ...(lossReports.length ? ['', '## Every loss, same encoder, budget, split and validation-only model selection', '', formatReports(lossReports)] : []),
      '',
    ].join('\n');
    writeFileSync(path, md);
    writeFileSync(join(dirname(path), `${path.split('/').pop()?.replace(/\.md$/, '')}.json`), JSON.stringify(doc, null, 2));
  }
  if (values.json) printJson(doc);
  else {
    process.stdout.write(`${formatReports(reports)}\n`);
    if (lossReports.length) process.stdout.write(`\n${formatReports(lossReports)}\n`);
  }
  return 0;
}
