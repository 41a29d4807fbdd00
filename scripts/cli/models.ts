/** `needledrop models [list | activate V | rollback] [--json]`: see and switch model versions. */
import type { ModelInfo } from '../../electron/contract/types';
import { headline, localTime } from '../../electron/contract/wording';
import { parse, printJson } from './args';
import { openEngine } from './engine';
import { reembedCatalog, reembedText } from './reembed';
import { usageError } from './errors';

export const usage = 'needledrop models [list | activate VERSION | rollback] [--json]';
export const example = 'needledrop models activate my-edits-1';

// One line of figures per version, worded as the Train screen words them.
export { headline };

function table(entries: ModelInfo[], active: string): string {
  const rows = entries.map((e) => [
    e.active ? '*' : ' ',
    e.version,
    e.source,
    e.loss ?? '-',
    // Local time with its offset, as the Train screen (and its default version name) shows it.
    e.createdAt ? localTime(e.createdAt, { seconds: true, zone: true }) : '-',
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
        else process.stdout.write(`rolled back: ${result.previous} → ${result.active}${result.skipped ? ` (passed over ${result.skipped.map((v) => `"${v}"`).join(', ')}: deleted or unusable since)` : ''}\n` + reembedText(reembedded));
        return 0;
      }
      default:
        throw usageError(`unknown action "${action}" (list, activate, rollback)`);
    }
  } finally {
    await engine.close();
  }
}
