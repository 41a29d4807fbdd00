/** `needledrop train --corpus DIR --version NAME …`: train a dual encoder with any loss of the metric core. */
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { reembedCatalog, reembedText } from './reembed';
import { usageError } from './errors';
import { checkLossNames } from './options';
import type { ProgressEvent } from '../../electron/contract/types';
import { formatReports, formatTrainProgress, reportJson, type ReportRow } from './format';
import { phaseStatus } from './status';
import { RECALL_NA_RULE, runEnding } from '../../electron/contract/wording';

/**
 * The status line of a training job: steps (a validation line stays), a checkpoint resumed or set
 * aside as a line of its own, other phases as counts.
 */
function showProgress(status: ReturnType<typeof phaseStatus>): (p: ProgressEvent) => void {
  return (p) => {
    // A phase's last count is always printed (phaseStatus): in a pipe the throttle would keep its first (review T3).
    if (p.phase === 'train') status.show(p, { text: formatTrainProgress(p), force: p.metrics?.valRecall10 !== undefined || p.metrics?.valMrr !== undefined });
    else if (p.phase === 'checkpoint' && p.item) status.show(p, { text: p.item, force: true });
    else status.show(p);
  };
}

export { runEnding };

/** How many test pairs a report was scored on (its gallery), or "?" for a report without one. */
const testPairs = (test: unknown): string => String((test as { videoToMusic?: { gallery?: number } }).videoToMusic?.gallery ?? '?');

export const usage =
  'needledrop train --corpus DIR --version NAME | --from-videos DIR --version NAME [--feedback] [--heads-only|--all-layers] [--hop N] [--loss NAME] [--steps N] [--batch N] [--lr X] [--seed S] [--positives pair|mood] [--backend wasm|cpu] [--out MODELS_DIR] [--parent V] [--activate] [--json]';
export const example = 'needledrop train --corpus .cache/corpus --version circle-1 --loss circle --steps 600';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    corpus: { type: 'string' },
    'from-videos': { type: 'string' },
    'heads-only': { type: 'boolean' },
    feedback: { type: 'boolean' },
    'all-layers': { type: 'boolean' },
    hop: { type: 'string' },
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
  if (!values.version) throw usageError('--version NAME is required');
  if (values['from-videos'] || values.feedback) return finetune(values['from-videos'], values.version, values);
  if (!values.corpus) throw usageError('--corpus DIR (or --from-videos DIR) is required');
  if (values.positives !== 'pair' && values.positives !== 'mood') throw usageError('--positives must be pair or mood');
  if (values.backend !== 'wasm' && values.backend !== 'cpu') throw usageError('--backend must be wasm or cpu');
  const steps = num(values.steps, 'steps', bounds('train', 'steps'));
  const batch = num(values.batch, 'batch', bounds('train', 'batch'));
  const lr = num(values.lr, 'lr', bounds('train', 'lr'));
  const seed = num(values.seed, 'seed', bounds('train', 'seed'));
  const engine = openEngine();
  const status = phaseStatus('train');
  try {
    await checkLossNames(engine, '--loss', [values.loss]);
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
      { onProgress: showProgress(status) },
    );
    status.done();
    const reembedded = r.activated ? await reembedCatalog(engine, r.version) : null;
    // The reference (parent or active version) and chance on the same test pairs, beside the new version (review R1.13).
    const rows = [...(r.reference ? [r.reference] : []), r.test, r.chance] as unknown as ReportRow[];
    if (values.json)
      printJson({
        manifest: (r as unknown as { manifest: unknown }).manifest,
        test: reportJson(r.test as unknown as ReportRow),
        reference: r.reference ? reportJson(r.reference as unknown as ReportRow) : null,
        ...(r.referenceWhy !== undefined ? { referenceWhy: r.referenceWhy } : {}),
        chance: reportJson(r.chance as unknown as ReportRow),
        bestStep: r.bestStep,
        stepsRun: r.stepsRun,
        stoppedEarly: r.stoppedEarly,
        resumedAt: r.resumedAt,
        notes: r.notes,
        seconds: r.seconds,
        activated: r.activated,
        ...(reembedded ? { reembedded } : {}),
      });
    else {
      process.stdout.write(`test split, ${testPairs(r.test)} pairs:\n${formatReports(rows)}\n${RECALL_NA_RULE}\n`);
      if (r.referenceWhy !== undefined) process.stdout.write(`note: ${r.referenceWhy}\n`);
      for (const note of r.notes) process.stdout.write(`note: ${note}\n`);
      process.stdout.write(`model ${r.version} written to ${r.dir} (${runEnding(r)}, ${r.seconds.toFixed(0)} s)${r.activated ? ', active' : ''}\n${reembedText(reembedded)}`);
    }
    return 0;
  } finally {
    status.done();
    await engine.close();
  }
}

/** `train --from-videos DIR [--feedback]`: fine-tune the active model on the user's finished edits and/or match feedback. */
async function finetune(
  videos: string | undefined,
  version: string,
  values: { feedback?: boolean; steps?: string; lr?: string; batch?: string; seed?: string; hop?: string; 'heads-only'?: boolean; 'all-layers'?: boolean; activate?: boolean; json?: boolean },
): Promise<number> {
  if (values['heads-only'] && values['all-layers']) throw usageError('--heads-only and --all-layers exclude each other');
  const steps = num(values.steps, 'steps', bounds('finetune', 'steps'));
  const batch = num(values.batch, 'batch', bounds('finetune', 'batch'));
  const lr = num(values.lr, 'lr', bounds('finetune', 'lr'));
  const seed = num(values.seed, 'seed', bounds('finetune', 'seed'));
  const hop = num(values.hop, 'hop', bounds('finetune', 'hop'));
  const engine = openEngine();
  const status = phaseStatus('train');
  try {
    const r = await runCliJob(
      engine,
      'finetune',
      {
        ...(videos ? { videos } : {}),
        version,
        feedback: values.feedback ?? false,
        activate: values.activate ?? false,
        ...(values['heads-only'] ? { headsOnly: true } : values['all-layers'] ? { headsOnly: false } : {}),
        ...(steps !== undefined ? { steps } : {}),
        ...(batch !== undefined ? { batch } : {}),
        ...(lr !== undefined ? { lr } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(hop !== undefined ? { hop } : {}),
      },
      { onProgress: showProgress(status) },
    );
    status.done();
    const reembedded = r.activated ? await reembedCatalog(engine, r.version) : null;
    if (values.json) {
      // Figures as eval's JSON gives them (a trivial Recall@K null); too few held-out edits: before and after null, with the reason.
      const pair = <P extends { before: unknown; after: unknown }>(p: P): P => ({ ...p, before: reportJson(p.before as ReportRow), after: reportJson(p.after as ReportRow) });
      printJson({ ...r, heldOut: r.heldOut.reason === null ? pair(r.heldOut) : r.heldOut, base: r.base ? pair(r.base) : null, ...(reembedded ? { reembedded } : {}) });
    } else {
      for (const s of r.skipped) process.stdout.write(`skipped ${s.file}: ${s.reason}\n`);
      // Too few held-out edits: no figures, the reason and what to do instead (contract/wording heldOutTooFew).
      if (r.heldOut.reason === null) process.stdout.write(`held-out edits:\n${formatReports([r.heldOut.before as unknown as ReportRow, r.heldOut.after as unknown as ReportRow])}\n`);
      else process.stdout.write(`held-out edits: ${r.heldOut.reason}\n`);
      if (r.base) process.stdout.write(`base benchmark (what was forgotten):\n${formatReports([r.base.before as unknown as ReportRow, r.base.after as unknown as ReportRow])}\n`);
      for (const note of r.notes) process.stdout.write(`note: ${note}\n`);
      // No better than its parent (review R1.6): said before the saved line, and never activated.
      if (r.noBetter !== null) process.stdout.write(`no better than its parent: ${r.noBetter}${values.activate ? `; so it was not activated (needledrop models activate ${r.version} to use it anyway)` : ''}\n`);
      process.stdout.write(
        `model ${r.version} (parent ${r.parent}, ${r.headsOnly ? 'heads only' : 'all layers'}, ${r.pairs.train} train / ${r.pairs.val} held-out windows; ${runEnding(r)}) written to ${r.dir}${r.activated ? ', active' : ''}\n${reembedText(reembedded)}`,
      );
    }
    return 0;
  } finally {
    status.done();
    await engine.close();
  }
}
