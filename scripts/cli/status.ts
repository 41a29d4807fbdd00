import { formatDuration } from './format';

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
