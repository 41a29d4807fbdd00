/** `needledrop eval --corpus DIR …`: Recall@K, median rank, MAP@R of a model against baselines, optionally every loss. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EngineError } from '../../electron/contract/errors';
import { phaseName } from '../../electron/contract/wording';
import { writeFileAtomic } from '../../electron/engine/service';
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { formatReports, formatTrainProgress, reportJson, type ReportRow } from './format';
import { checkLossNames, providerOption } from './options';
import { phaseStatus } from './status';

export const usage =
  'needledrop eval --corpus DIR [--model V] [--provider auto|cpu|cuda|dml|coreml] [--split test|val|all] [--losses all|a,b,…] [--steps N] [--positives pair|mood] [--report FILE.md [--force]] [--json]';
export const example = 'needledrop eval --corpus .cache/corpus-31337 --split all';

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
    force: { type: 'boolean', default: false },
    split: { type: 'string', default: 'test' },
    positives: { type: 'string', default: 'mood' },
    json: { type: 'boolean', default: false },
  });
  if (!values.corpus) throw usageError('--corpus DIR is required');
  const provider = providerOption(values.provider);
  if (!['test', 'val', 'all'].includes(values.split)) throw usageError('--split must be test, val or all');
  if (values.positives !== 'pair' && values.positives !== 'mood') throw usageError('--positives must be pair or mood');
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw usageError('--backend must be wasm or cpu');
  const steps = num(values.steps, 'steps', bounds('evaluate', 'steps'));
  const seed = num(values.seed, 'seed', bounds('evaluate', 'seed'));
  const report = values.report === undefined ? undefined : reportFiles(values.report);
  if (report) refuseExisting(report, values.force); // before the run, which can take minutes
  const engine = openEngine();
  const status = phaseStatus('eval');
  try {
    if (values.losses && values.losses !== 'all') await checkLossNames(engine, '--losses', values.losses.split(','));
    const r = (await runCliJob(
      engine,
      'evaluate',
      {
        corpus: values.corpus,
        provider,
        split: values.split as 'test' | 'val' | 'all',
        positives: values.positives,
        backend: values.backend,
        ...(values.model ? { model: values.model } : {}),
        ...(values.losses ? { losses: values.losses === 'all' ? 'all' : values.losses.split(',') } : {}),
        ...(steps !== undefined ? { steps } : {}),
        ...(seed !== undefined ? { seed } : {}),
      },
      // A phase's last count is always printed (phaseStatus): in a pipe the throttle would keep its first (review T3).
      { onProgress: (p) => status.show(p, p.phase.startsWith('train') ? { text: `${phaseName(p.phase)}: ${formatTrainProgress(p)}` } : {}) },
    )) as unknown as { corpus: string; seed: number; split: string; pairs: number; provider: string; model: string; reports: ReportRow[]; losses: ReportRow[] };
    status.done();
    const models = r.reports;
    process.stderr.write(`model ${r.model} on onnxruntime-node, provider ${r.provider}\n`);
    const json = (rows: ReportRow[]) => rows.map(reportJson);
    const doc = { corpus: r.corpus, seed: r.seed, split: r.split, pairs: r.pairs, provider: r.provider, model: r.model, reports: json(models), losses: json(r.losses) };
    if (report) {
      refuseExisting(report, values.force); // one may have appeared during the run
      mkdirSync(dirname(report.md), { recursive: true });
      const md = [
        `# Evaluation on corpus seed ${r.seed} (${r.split} split, ${r.pairs} pairs)`,
        '',
        formatReports(models),
        ...(r.losses.length ? ['', '## Every loss, same encoder, budget, split and validation-only model selection', '', formatReports(r.losses)] : []),
        '',
      ].join('\n');
      writeFileAtomic(report.md, md);
      writeFileAtomic(report.json, JSON.stringify(doc, null, 2));
    }
    if (values.json) printJson(doc);
    else {
      process.stdout.write(`${formatReports(models)}\n`);
      if (r.losses.length) process.stdout.write(`\n${formatReports(r.losses)}\n`);
    }
    return 0;
  } finally {
    status.done();
    await engine.close();
  }
}

/**
 * The report's two files: FILE.md and FILE.json beside it. Only a .md name is taken, so a mistyped
 * path (a catalog, a video) is never written over as Markdown with a second file beside it (review S17).
 * Another name is a file the command does not write: exit 1 naming it, as export's and playlist's
 * outputs are (README, Exit codes), not the command line's shape (review R2.4: it exited 2).
 */
export function reportFiles(given: string): { md: string; json: string } {
  if (!/\.md$/i.test(given)) throw new EngineError({ code: 'bad-input', message: `${given}: a report must be named .md (its JSON is written beside it as .json)`, file: given });
  const md = resolve(given);
  return { md, json: md.replace(/\.md$/i, '.json') };
}

/** An existing report (or its JSON) is replaced only with --force, as every other output of the CLI; a folder never. */
function refuseExisting(report: { md: string; json: string }, force: boolean): void {
  for (const file of [report.md, report.json]) {
    if (!existsSync(file)) continue;
    if (!statSync(file).isFile()) throw new EngineError({ code: 'bad-input', message: `${file}: is a folder, not a report file`, file });
    if (!force) throw new EngineError({ code: 'exists', message: `${file}: already exists`, file });
  }
}
