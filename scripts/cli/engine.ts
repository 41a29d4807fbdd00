/**
 * How a CLI command reaches the Engine: one Engine per process from the environment (--db
 * overrides the catalog), jobs run with a progress line on stderr and cancelled on Ctrl-C,
 * SIGTERM or SIGHUP (the job's children are ended by the engine before the command exits).
 */
import { resolve } from 'node:path';
import { runJob } from '../../electron/contract/api';
import type { JobOperation, RequestOf, Results } from '../../electron/contract/operations';
import type { ProgressEvent } from '../../electron/contract/types';
import { contextFromEnv, Engine } from '../../electron/engine/service';
import { formatProgressBar, formatProgressLine } from './format';

/** The engine's diagnostics (a provider that fell back to CPU and why, review R22) go to stderr. */
export function openEngine(opts: { db?: string | undefined } = {}): Engine {
  const log = (m: string): void => void process.stderr.write(`needledrop: ${m}\n`);
  return new Engine(contextFromEnv(process.env, { log, ...(opts.db ? { catalogPath: resolve(opts.db) } : {}) }));
}

/** Progress on stderr: a redrawn bar on a terminal, at most one plain line every `everyMs` elsewhere. */
export function progressPrinter(render: (p: ProgressEvent, tty: boolean) => string = (p, tty) => (tty ? formatProgressBar(p, Math.max(40, (process.stderr.columns ?? 80) - 1)) : formatProgressLine(p)), everyMs = 1000) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let drawn = false;
  return {
    show(p: ProgressEvent): void {
      const now = Date.now();
      // A count with no total (total 0: a playlist's smoothing rounds) is never the last line of its phase.
      const final = p.total > 0 && p.done >= p.total;
      if (!final && now - last < (tty ? 100 : everyMs)) return;
      last = now;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${render(p, true)}`);
        drawn = true;
      } else process.stderr.write(`${render(p, false)}\n`);
    },
    end(): void {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Run a job to its end; the first stop signal cancels it, a second Ctrl-C leaves at once. */
export async function runCliJob<K extends JobOperation>(
  engine: Engine,
  op: K,
  req: RequestOf<K>,
  opts: { label?: string; onProgress?: (p: ProgressEvent) => void; quiet?: boolean } = {},
): Promise<Results[K]> {
  const ctl = new AbortController();
  const printer = progressPrinter();
  const stop = (sig: string): void => {
    if (ctl.signal.aborted) {
      if (sig === 'SIGINT') process.exit(130);
      return;
    }
    process.stderr.write(`\n${opts.label ?? op}: stopping… ${sig === 'SIGINT' ? '(Ctrl-C again to quit at once)' : ''}\n`);
    ctl.abort();
  };
  for (const s of STOP_SIGNALS) process.on(s, stop);
  try {
    return await runJob(engine, op, req, {
      signal: ctl.signal,
      onProgress: (p) => {
        if (opts.onProgress) opts.onProgress(p);
        else if (!opts.quiet) printer.show(p);
      },
    });
  } finally {
    printer.end();
    for (const s of STOP_SIGNALS) process.off(s, stop);
  }
}
