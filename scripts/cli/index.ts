/**
 * `needledrop index DIR… [--jobs N] [--signatures] [--db PATH] [--json]`: analyse music folders
 * into the catalog; with --signatures, then each new track's production signature (what `similar`
 * and playlists compare; the app computes them after every scan by itself).
 */
import { EngineError } from '../../electron/contract/errors';
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';

export const usage = 'needledrop index DIR… [--jobs N] [--signatures] [--db PATH] [--json]';
export const example = 'needledrop index ~/Music --jobs 2 --signatures';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    jobs: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
    signatures: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw usageError('give at least one folder to index');
  const jobs = num(values.jobs, 'jobs', bounds('library.scan', 'jobs'));
  const engine = openEngine({ db: values.db });
  try {
    const report = await runCliJob(engine, 'library.scan', { folders: positionals, ...(jobs !== undefined ? { jobs } : {}) }, { label: 'index' });
    if (report.note) process.stderr.write(`index: ${report.note}\n`);
    const signatures = values.signatures && !report.cancelled ? (await runCliJob(engine, 'musicSpace.update', { signaturesOnly: true }, { label: 'signatures' })).detail : undefined;
    if (values.json) {
      const { indexed, unchanged, removed, unavailable, moved, reembedded, failed } = report;
      printJson({ indexed, unchanged, removed, unavailable, moved, reembedded, failed, ...(signatures ? { signatures } : {}) });
    } else {
      process.stderr.write(
        `index: ${report.indexed} indexed, ${report.unchanged} unchanged, ${report.moved} moved, ${report.removed} removed, ` +
          `${report.unavailable ? `${report.unavailable} unavailable (kept), ` : ''}${report.failed.length} failed${report.reembedded ? `, ${report.reembedded} re-embedded` : ''}\n`,
      );
      for (const f of report.failed) process.stderr.write(`  skipped ${f.path}: ${f.reason}\n`);
      for (const f of report.partial) process.stderr.write(`  partial ${f.path}: ${f.cause}\n`);
      if (report.ignored.length) process.stderr.write(`  ${report.ignored.length} files that are not audio ignored\n`);
      if (signatures) process.stderr.write(`index: ${signatures}\n`);
    }
    if (report.cancelled) throw new EngineError({ code: 'cancelled', message: 'indexing cancelled' });
    return 0;
  } finally {
    await engine.close();
  }
}
