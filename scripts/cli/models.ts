/** `needledrop models [list | activate V | rollback] [--json]`: see and switch model versions. */
import { usageError } from '../../electron/engine/errors';
import { activate, activeModel, listModels, rollback, type ModelEntry } from '../../electron/engine/models/registry';
import { parse, printJson } from './args';

export const usage = 'needledrop models [list | activate VERSION | rollback] [--json]';

function headline(metrics: Record<string, unknown>): string {
  return Object.entries(metrics)
    .filter((kv): kv is [string, number] => typeof kv[1] === 'number')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(' ');
}

function table(entries: ModelEntry[], active: string): string {
  const rows = entries.map((e) => [
    e.active ? '*' : ' ',
    e.version,
    e.source,
    e.manifest?.loss ?? '-',
    e.manifest?.createdAt.slice(0, 19).replace('T', ' ') ?? '-',
    e.manifest?.parent ?? '-',
    e.problem ? `UNUSABLE: ${e.problem}` : headline(e.manifest?.metrics ?? {}),
  ]);
  const header = [' ', 'VERSION', 'SOURCE', 'LOSS', 'CREATED', 'PARENT', 'METRICS'];
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
  switch (action) {
    case 'list': {
      expectArgs(0);
      const [entries, active] = [await listModels(), await activeModel()];
      if (values.json) {
        printJson({
          active,
          models: entries.map(({ manifest, ...e }) => ({ ...e, ...(manifest ? { manifest } : {}) })),
        });
      } else {
        process.stdout.write((entries.length ? table(entries, active) : `no model versions installed (active: "${active}")`) + '\n');
      }
      return 0;
    }
    case 'activate': {
      expectArgs(1);
      const result = await activate(rest[0]);
      if (values.json) printJson(result);
      else process.stdout.write(result.previous === result.active ? `"${result.active}" is already active\n` : `active model: ${result.active} (was ${result.previous})\n`);
      return 0;
    }
    case 'rollback': {
      expectArgs(0);
      const result = await rollback();
      if (values.json) printJson(result);
      else process.stdout.write(`rolled back: ${result.previous} → ${result.active}\n`);
      return 0;
    }
    default:
      throw usageError(`unknown action "${action}" (list, activate, rollback)`);
  }
}
