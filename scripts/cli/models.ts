/** `needledrop models [list | activate V | rollback] [--json]`: see and switch model versions. */
import type { ModelInfo } from '../../electron/contract/types';
import { recallIsTrivial, recallText } from '../../electron/contract/wording';
import { parse, printJson } from './args';
import { openEngine } from './engine';
import { reembedCatalog, reembedText } from './reembed';
import { usageError } from './errors';

export const usage = 'needledrop models [list | activate VERSION | rollback] [--json]';
export const example = 'needledrop models activate my-edits-1';

/**
 * video→music Recall@10 of an evaluation report in model.json (train/eval's MethodReport shape),
 * as text: "n/a (gallery of N)" when the gallery makes it 1 whatever the ranking.
 */
function recall10(report: unknown): string | undefined {
  const d = (report as { videoToMusic?: { recall10?: unknown; gallery?: unknown } } | null | undefined)?.videoToMusic;
  const r = d?.recall10;
  if (typeof r !== 'number' || !Number.isFinite(r)) return undefined;
  return recallText(10, r, { gallery: typeof d?.gallery === 'number' ? d.gallery : undefined });
}

/**
 * How many items a score was computed over, when the report records it and the figure is a real
 * one: a Recall@10 over 11 test pairs is not comparable with one over hundreds (review S1).
 * Reports saved before session 17 record no gallery, and get nothing.
 */
function over(report: unknown, unit: string): string {
  const g = (report as { videoToMusic?: { gallery?: unknown } } | null | undefined)?.videoToMusic?.gallery;
  return typeof g === 'number' && !recallIsTrivial(10, { gallery: g }) ? ` over ${g} ${unit}` : '';
}

/**
 * One figure for the METRICS column. model.json nests its evaluations: `train` writes
 * test → videoToMusic → recall10 (the shipped base too), a fine-tune writes
 * evaluations → heldOut → {before, after} (its parent and itself on the same held-out edits).
 * Anything else: its first top-level numbers, as written.
 */
export function headline(metrics: Record<string, unknown>): string {
  const test = recall10(metrics.test);
  if (test !== undefined) return `v→m R@10 ${test}${over(metrics.test, 'test pairs')}`;
  const heldOut = (metrics.evaluations as { heldOut?: { before?: unknown; after?: unknown } } | null | undefined)?.heldOut;
  const after = recall10(heldOut?.after);
  if (after !== undefined) {
    const before = recall10(heldOut?.before);
    return `held-out edits v→m R@10 ${after}${before !== undefined ? ` (parent ${before})` : ''}${over(heldOut?.after, 'windows')}`;
  }
  return Object.entries(metrics)
    .filter((kv): kv is [string, number] => typeof kv[1] === 'number')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(' ');
}

function table(entries: ModelInfo[], active: string): string {
  const rows = entries.map((e) => [
    e.active ? '*' : ' ',
    e.version,
    e.source,
    e.loss ?? '-',
    e.createdAt?.slice(0, 19).replace('T', ' ') ?? '-',
    e.parent ?? '-',
    // Whether a match shows a calibrated model confidence beside the standing (docs/cli-match.md, "The fit").
    e.fit === 'calibrated' ? 'calibrated' : 'none',
    e.problem ? `UNUSABLE: ${e.problem}` : headline(e.metrics),
  ]);
  const header = [' ', 'VERSION', 'SOURCE', 'LOSS', 'CREATED', 'PARENT', 'CONFIDENCE', 'METRICS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (!entries.some((e) => e.active)) lines.push(`(active version "${active}" is not installed)`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean', default: false } });
  const [action = 'list', ...rest] = positionals;
  const expectArgs = (n: number): void => {
    if (rest.length !== n) throw usageError(`"models ${action}" takes ${n === 0 ? 'no arguments' : 'one version name'}`);
  };
  const engine = openEngine();
  try {
    switch (action) {
      case 'list': {
        expectArgs(0);
        const { active, models } = await engine.call('models.list');
        if (values.json) printJson({ active, models });
        else process.stdout.write((models.length ? table(models, active) : `no model versions installed (active: "${active}")`) + '\n');
        return 0;
      }
      case 'activate': {
        expectArgs(1);
        const result = await engine.call('models.activate', { version: rest[0] });
        const reembedded = await reembedCatalog(engine, result.active);
        if (values.json) printJson({ ...result, ...(reembedded ? { reembedded } : {}) });
        else process.stdout.write((result.previous === result.active ? `"${result.active}" is already active\n` : `active model: ${result.active} (was ${result.previous})\n`) + reembedText(reembedded));
        return 0;
      }
      case 'rollback': {
        expectArgs(0);
        const result = await engine.call('models.rollback');
        const reembedded = await reembedCatalog(engine, result.active);
        if (values.json) printJson({ ...result, ...(reembedded ? { reembedded } : {}) });
        else process.stdout.write(`rolled back: ${result.previous} → ${result.active}\n` + reembedText(reembedded));
        return 0;
      }
      default:
        throw usageError(`unknown action "${action}" (list, activate, rollback)`);
    }
  } finally {
    await engine.close();
  }
}
