/**
 * Benchmarks build slow inputs (a generated library) in `<dir>.part-<pid>` and rename it to `<dir>`
 * when whole. A run killed half-way leaves its part folder behind (review R11 of session 13):
 * these are removed when their process is gone; a live one is another run still building.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../../electron/engine/util/pid';

/** Remove the part folders of `dir` whose building process has ended; returns what was removed. */
export function removeAbandonedParts(dir: string): string[] {
  const parent = dirname(dir);
  const prefix = `${basename(dir)}.part-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    // Only our own naming (a whole positive pid); anything else is not ours to remove.
    if (!Number.isInteger(pid) || pid <= 0 || String(pid) !== name.slice(prefix.length)) continue;
    if (pid !== process.pid && pidAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  return removed;
}
