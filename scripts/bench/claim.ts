/**
 * Claim files let several benchmark workers share one list of runs: a worker trains a run only
 * after creating `<result>.claim` exclusively (with its pid in it). A claim whose process is gone
 * (a killed worker) is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pidAlive } from '../../electron/engine/jobs/store';

const claimPath = (result: string): string => `${result}.claim`;

/** Claim the run whose result goes to `result`; false when a live process holds it. */
export function claimRun(result: string, pid = process.pid): boolean {
  mkdirSync(dirname(result), { recursive: true });
  // Two attempts: the second after removing a dead holder's claim (another worker may win it).
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(claimPath(result), 'wx');
      try {
        writeSync(fd, String(pid));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(claimPath(result), 'utf8'));
      if (holder === pid || (holder > 0 && pidAlive(holder))) return false;
      unlinkSync(claimPath(result));
    }
  }
  return false;
}

/** Give a claimed run back (after its result is written, or when it failed). */
export function releaseRun(result: string): void {
  unlinkSync(claimPath(result));
}
