/**
 * One read-modify-write of a small file at a time, within a process and across processes (the app
 * and the CLI on one data folder). Within the process, calls on one lock queue behind each other;
 * across processes, the holder is the one that created `<lock>` (exclusive create) with its pid in
 * it. A lock whose process is gone (killed while holding it) is taken over.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError } from '../errors';
import { pidAlive } from './pid';

const queues = new Map<string, Promise<unknown>>();
/** A lock file still empty after this long was left by a process killed between creating and writing it. */
const EMPTY_STALE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function acquire(lock: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw inputError(lock, `cannot lock ${what}: ${(err as Error).message}`, err);
    }
    const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    const known = Number.isInteger(holder) && holder > 0;
    // An empty lock is a holder between its create and its write, unless it has been empty for long (killed there).
    const gone = known ? holder !== process.pid && !pidAlive(holder) : Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now()) > EMPTY_STALE_MS;
    if (gone) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw inputError(lock, `${what} is being changed by another process${known ? ` (pid ${holder})` : ''}; try again, or delete this file if no Needledrop is running`);
    }
    await sleep(wait);
  }
}

/** Run `body` holding `lock` (a file path beside what it guards); `what` names the guarded thing in a timeout's message. */
export function withFileLock<T>(file: string, what: string, body: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const lock = resolve(file);
  const run = async (): Promise<T> => {
    await acquire(lock, timeoutMs, what);
    try {
      return await body();
    } finally {
      await rm(lock, { force: true });
    }
  };
  const previous = queues.get(lock) ?? Promise.resolve();
  const result = previous.then(run, run);
  const settled = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(lock, settled);
  void settled.then(() => {
    if (queues.get(lock) === settled) queues.delete(lock);
  });
  return result;
}
