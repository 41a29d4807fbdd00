import { openCatalog } from '../../electron/engine/catalog/db';
import { cancelledError, usageError } from '../../electron/engine/errors';
import { formatProgressBar, formatProgressLine } from '../../electron/engine/jobs/progress';
import { indexLibrary, type IndexProgress } from '../../electron/engine/library/indexer';
import { catalogPath } from '../../electron/engine/paths';
import { num, parse, printJson } from './args';

export const usage = 'needledrop index DIR… [--jobs N] [--db PATH] [--json]';

/** Progress on stderr: a redrawn bar on a terminal, at most one plain line a second elsewhere. */
function progressPrinter(): { show: (p: IndexProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    show(p) {
      const now = Date.now();
      const final = p.snapshot.done === p.snapshot.total;
      if (!final && now - last < (tty ? 100 : 1000)) return;
      last = now;
      if (tty) {
        process.stderr.write(`\r${formatProgressBar(p.snapshot, Math.max(40, (process.stderr.columns ?? 80) - 1))}`);
        drawn = true;
      } else {
        process.stderr.write(`${formatProgressLine(p.snapshot, p.item)}\n`);
      }
    },
    end() {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    jobs: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw usageError('give at least one folder to index');
  const jobs = num(values.jobs, 'jobs', { min: 1, int: true });

  const ctl = new AbortController();
  // First Ctrl-C: stop cleanly (in-flight files are dropped, finished ones stay committed). Second: leave now.
  const onSigint = (): void => {
    if (ctl.signal.aborted) process.exit(130);
    process.stderr.write('\nindex: stopping… (Ctrl-C again to quit at once)\n');
    ctl.abort();
  };
  process.on('SIGINT', onSigint);
  const db = openCatalog(values.db ?? catalogPath());
  const progress = progressPrinter();
  try {
    const report = await indexLibrary(db, positionals, { jobs, signal: ctl.signal, onProgress: progress.show });
    progress.end();
    if (report.note) process.stderr.write(`index: ${report.note}\n`);
    if (values.json) {
      const { indexed, unchanged, removed, moved, reembedded, failed } = report;
      printJson({ indexed, unchanged, removed, moved, reembedded, failed });
    } else {
      process.stderr.write(
        `index: ${report.indexed} indexed, ${report.unchanged} unchanged, ${report.moved} moved, ${report.removed} removed, ` +
          `${report.failed.length} failed${report.reembedded ? `, ${report.reembedded} re-embedded` : ''}\n`,
      );
      for (const f of report.failed) process.stderr.write(`  skipped ${f.path}: ${f.reason}\n`);
    }
    if (report.cancelled) throw cancelledError('indexing');
    return 0;
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
    db.close();
  }
}
