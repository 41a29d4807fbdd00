/** `needledrop models [list | activate V | rollback | delete V [--yes]] [--json]`: see, switch and delete model versions. */
import { EngineError } from '../../electron/contract/errors';
import type { ModelDeletion, ModelInfo } from '../../electron/contract/types';
import { byteSize, headline, localTime } from '../../electron/contract/wording';
import { parse, printJson, textProblem } from './args';
import { openEngine } from './engine';
import { reembedCatalog, reembedText } from './reembed';
import { usageError } from './errors';

export const usage = 'needledrop models [list | activate VERSION | rollback | delete VERSION [--yes]] [--json]';
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
    e.parent ? `${e.parent}${e.parentDeleted ? ' (deleted)' : ''}` : '-',
    // Whether a match shows a calibrated model confidence beside the standing (docs/cli-match.md, "The fit").
    // An unusable version gives no match at all, so no confidence either (review R4.4: it read "calibrated").
    e.fit === null ? '-' : e.fit === 'calibrated' ? 'calibrated' : 'none',
    e.problem ? `UNUSABLE: ${e.problem}` : headline(e.metrics),
  ]);
  const header = [' ', 'VERSION', 'SOURCE', 'LOSS', 'CREATED', 'PARENT', 'CONFIDENCE', 'METRICS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (!entries.some((e) => e.active)) lines.push(`(active version "${active}" is not installed)`);
  return lines.join('\n');
}

/** What a deletion takes: size, creation time, folder, and what else it touches. */
function deletionText(r: ModelDeletion): string {
  const created = r.createdAt ? `created ${localTime(r.createdAt, { seconds: true, zone: true })}` : 'creation time unknown';
  const parts = [`${byteSize(r.bytes)} on disk`, created, r.dir];
  if (r.segmentTracks > 0) parts.push(`with its segments of ${r.segmentTracks} catalogued track${r.segmentTracks === 1 ? '' : 's'}`);
  if (r.children.length > 0) parts.push(`the parent of ${r.children.map((c) => `"${c}"`).join(', ')}, which will list it as deleted`);
  return parts.join(', ');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean', default: false }, yes: { type: 'boolean', default: false } });
  const [action = 'list', ...rest] = positionals;
  if (values.yes && action !== 'delete') throw usageError('--yes confirms "models delete": it does nothing alone');
  const expectArgs = (n: number): void => {
    if (rest.length !== n) throw usageError(`"models ${action}" takes ${n === 0 ? 'no arguments' : 'one version name'}`);
    // A name the engine does not take is a value refused (exit 1), named: not the command line's shape.
    const problem = n === 1 ? textProblem('models.delete', 'version', rest[0]) : undefined;
    if (problem) throw new EngineError({ code: 'bad-input', message: `model version ${problem}` });
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
      case 'delete': {
        expectArgs(1);
        // Without --yes: what would go, and nothing else (exit 1), as `index --forget` does.
        const r = await engine.call('models.delete', { version: rest[0], dryRun: !values.yes });
        if (values.json) printJson(r);
        else if (r.deleted) process.stdout.write(`deleted model version "${r.version}" (${deletionText(r)})\n`);
        else process.stderr.write(`models: would delete model version "${r.version}" (${deletionText(r)}); nothing was changed: add --yes to delete it\n`);
        return r.deleted ? 0 : 1;
      }
      default:
        throw usageError(`unknown action "${action}" (list, activate, rollback, delete)`);
    }
  } finally {
    await engine.close();
  }
}
