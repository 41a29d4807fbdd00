/**
 * Model versions a running job reads or writes, seen by every process on the data folder (the
 * app's engine, its training process, a CLI): a job holds a lease file naming the versions it uses
 * and why, with its pid; deleting a version is refused while a live process holds one on it. A
 * lease of a process that is gone (killed) counts for nothing and is removed when read.
 * The registry takes its lock around writing a lease and around a delete's check (registry.ts);
 * the lease files themselves are util/lease.ts's, as the caches' are (service/cache.ts).
 */
import { join } from 'node:path';
import { liveLeases, writeLease as writeLeaseIn } from '../util/lease';

export interface VersionUse {
  version: string;
  /** What the job does with it, as a user reads it: 'training it', 'fine-tuning "ft2" from it'. */
  why: string;
  /**
   * The job writes this version (trains or fine-tunes it): a second writer of the name is refused
   * at its start, from any process (review R1.12: two runs shared one checkpoint and the longer
   * one was thrown away at its save).
   */
  writes?: boolean;
}

export const leasesDir = (dataDir: string): string => join(dataDir, 'models-in-use');

/** Write a lease for `uses`; returns its release (idempotent). */
export function writeLease(dataDir: string, uses: VersionUse[]): () => void {
  return writeLeaseIn(leasesDir(dataDir), uses);
}

/** The first live use of `version` (that `which` takes), or null; leases of dead processes (and unreadable ones) are removed. */
export function liveUse(dataDir: string, version: string, which: (use: VersionUse) => boolean = () => true): (VersionUse & { pid: number }) | null {
  for (const lease of liveLeases<VersionUse>(leasesDir(dataDir))) {
    const use = lease.uses.find((u) => u.version === version && which(u));
    if (use) return { ...use, pid: lease.pid };
  }
  return null;
}
