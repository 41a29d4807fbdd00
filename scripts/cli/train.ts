/** `needledrop train --corpus DIR --version NAME …`: train a dual encoder with any loss of the metric core. */
import { num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { formatReports, formatTrainProgress, type ReportRow } from './format';
import { statusLine } from './status';

export const usage =
  'needledrop train --corpus DIR --version NAME [--loss NAME] [--steps N] [--batch N] [--lr X] [--seed S] [--positives pair|mood] [--backend wasm|cpu] [--out MODELS_DIR] [--parent V] [--activate] [--json]';
export const example = 'needledrop train --corpus .cache/corpus --version circle-1 --loss circle --steps 600';

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
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw usageError('--backend must be wasm or cpu');
  const steps = num(values.steps, 'steps', { min: 1, int: true });
  const batch = num(values.batch, 'batch', { min: 2, int: true });
  const lr = num(values.lr, 'lr', { min: 0 });
  const seed = num(values.seed, 'seed', { int: true });
  const engine = openEngine();
  const status = statusLine('train');
  try {
    const r = await runCliJob(
      engine,
      'train',
      {
        corpus: values.corpus,
        version: values.version,
        loss: values.loss,
        positives: values.positives,
        backend: values.backend,
        activate: values.activate,
        ...(steps !== undefined ? { steps } : {}),
        ...(batch !== undefined ? { batch } : {}),
        ...(lr !== undefined ? { lr } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(values.out ? { out: values.out } : {}),
        ...(values.parent ? { parent: values.parent } : {}),
      },
      { onProgress: (p) => (p.phase === 'train' ? status.update(formatTrainProgress(p), p.metrics?.valRecall10 !== undefined) : status.update(`${p.phase} ${p.done}/${p.total}`)) },
    );
    status.done();
    if (values.json) printJson({ manifest: (r as unknown as { manifest: unknown }).manifest, test: r.test, bestStep: r.bestStep, seconds: r.seconds });
    else {
      process.stdout.write(`${formatReports([r.test as unknown as ReportRow])}\n`);
      process.stdout.write(`model ${r.version} written to ${r.dir} (best step ${r.bestStep}, ${r.seconds.toFixed(0)} s)\n`);
    }
    return 0;
  } finally {
    status.done();
    await engine.close();
  }
}
