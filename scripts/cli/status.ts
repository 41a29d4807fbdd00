import type { ProgressEvent } from '../../electron/contract/types';
import { phaseName } from '../../electron/contract/wording';
import { PhaseClock } from '../../electron/engine/service';
import { formatDuration, progressStats } from './format';

/**
 * A status line on stderr for long CLI jobs: rewritten in place on a terminal, throttled plain
 * lines (every few seconds) otherwise, so logs stay readable when piped.
 */
export function statusLine(label: string, intervalMs = 3000): { update(text: string, force?: boolean): void; done(text?: string): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(text: string, force = false) {
      const now = Date.now();
      if (tty) process.stderr.write(`\r\x1b[2K${label}: ${text}`);
      else if (force || now - last >= intervalMs) {
        process.stderr.write(`${label}: ${text}\n`);
        last = now;
      }
    },
    done(text?: string) {
      if (tty) process.stderr.write('\r\x1b[2K');
      if (text) process.stderr.write(`${label}: ${text}\n`);
    },
  };
}

/**
 * A status line for a workflow's phases (reports of phase, done, total), as the engine's jobs time
 * theirs (PhaseClock: rate once it means something, ETA, elapsed) and the CLI words them (phaseName,
 * progressStats): "Analysing audio 3/12 1:04 elapsed", then "Analysing audio 12/12 in 0:41
 * (17.6/min)". Each phase's last count is always printed, so a log (a pipe, CI) ends every phase on
 * its final count and the time it took, however quickly it ran (review T3).
 */
export function phaseStatus(label: string, intervalMs = 3000): { update(phase: string, done: number, total: number, opts?: { extra?: string; force?: boolean }): void; show(p: ProgressEvent, opts?: { text?: string; force?: boolean }): void; done(text?: string): void } {
  const line = statusLine(label, intervalMs);
  const clock = new PhaseClock();
  const show = (p: Pick<ProgressEvent, 'phase' | 'done' | 'total' | 'rate' | 'eta' | 'elapsed'>, opts: { text?: string; extra?: string; force?: boolean } = {}): void => {
    const last = p.total > 0 && p.done >= p.total;
    line.update(opts.text ?? `${phaseName(p.phase)} ${progressStats(p)}${opts.extra ?? ''}`, last || opts.force === true);
  };
  return {
    /** A report the caller times here (a workflow outside the engine's jobs). */
    update: (phase, done, total, opts = {}) => show(clock.report(phase, done, total), opts),
    /** An engine job's progress event, timed by the engine; `text` in place of the count. */
    show,
    done: (text) => line.done(text),
  };
}

export const eta = (seconds: number | undefined): string => formatDuration(seconds === undefined ? null : seconds);

/** Cancel on the first Ctrl-C; a second one exits at once. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ncancelling… (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}
