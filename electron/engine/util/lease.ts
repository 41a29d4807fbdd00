/**
 * Leases: what a running job uses, seen by every process on the data folder (the app's engine,
 * its training process, a CLI). A job writes a lease file `<pid>-<random>.json` into the folder
 * of the kind of thing it uses, holding its pid and its uses, and removes it when it ends; what a
 * live lease names is not deleted meanwhile. A lease of a process that is gone (killed) counts for
 * nothing and is removed when read. The owner of a kind takes its own lock around writing a lease
 * and around the check that refuses a deletion (models/registry.ts, service/cache.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from './pid';

export interface Lease<U> {
  pid: number;
  uses: U[];
}

/** Write a lease for `uses` into `dir`; returns its release (idempotent). */
export function writeLease<U>(dir: string, uses: U[]): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}-${randomBytes(6).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify({ pid: process.pid, uses } satisfies Lease<U>));
  return () => rmSync(file, { force: true });
}

/** The leases in `dir` of live processes (this one's included); leases of dead processes (and unreadable ones) are removed. */
export function liveLeases<U>(dir: string): Array<Lease<U>> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: Array<Lease<U>> = [];
  for (const name of names) {
    const file = join(dir, name);
    let lease: Lease<U>;
    try {
      lease = JSON.parse(readFileSync(file, 'utf8')) as Lease<U>;
    } catch {
      // Half-written by a process killed while writing it (written whole under the lock otherwise): none.
      if (!pidAlive(Number(name.split('-')[0]))) rmSync(file, { force: true });
      continue;
    }
    if (!Number.isInteger(lease?.pid) || !Array.isArray(lease.uses) || (lease.pid !== process.pid && !pidAlive(lease.pid))) {
      rmSync(file, { force: true });
      continue;
    }
    live.push(lease);
  }
  return live;
}
