/**
 * Claim files let several benchmark workers share one list of runs: a worker trains a run only
 * after creating `<result>.claim` (with its pid in it). A claim whose process is gone (a killed
 * worker) is taken over by exactly one worker.
 *
 * The claim appears with its pid already in it (written to a private file, then hard-linked into
 * place, which fails if a claim exists), so no other worker can read it empty and take it for
 * abandoned. Taking over a dead holder's claim first creates `<result>.claim.takeover-<holder>`
 * exclusively: of the workers that saw the same dead holder only that file's creator replaces the
 * claim, where removing and recreating it would let a late worker remove the winner's claim.
 */
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../../electron/engine/jobs/store';

const claimPath = (result: string): string => `${result}.claim`;
const takeoverPath = (result: string, holder: string): string => `${claimPath(result)}.takeover-${holder || 'empty'}`;

/** Write `pid` to a file of this worker's own next to the claim; the caller links or renames it into place. */
function privateClaim(result: string, pid: number): string {
  const tmp = `${claimPath(result)}.${pid}.tmp`;
  writeFileSync(tmp, String(pid));
  return tmp;
}

/** Claim the run whose result goes to `result`; false when a live process holds it. */
export function claimRun(result: string, pid = process.pid): boolean {
  mkdirSync(dirname(result), { recursive: true });
  const tmp = privateClaim(result, pid);
  try {
    linkSync(tmp, claimPath(result));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  let holder: string;
  try {
    holder = readFileSync(claimPath(result), 'utf8');
  } catch (e) {
    // Released between the link and the read: the next pass of the worker's list tries again.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const holderPid = Number(holder);
  if (holderPid === pid || (holderPid > 0 && pidAlive(holderPid))) return false;
  return takeOver(result, holder, pid);
}

/**
 * Replace the claim of `deadHolder` (its file's contents as read) with one of `pid`'s; true for the
 * one worker that wins it. Exported so that a test can play two workers that saw the same dead holder.
 */
export function takeOver(result: string, deadHolder: string, pid: number): boolean {
  try {
    const fd = openSync(takeoverPath(result, deadHolder), 'wx');
    try {
      writeSync(fd, String(pid));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  renameSync(privateClaim(result, pid), claimPath(result));
  return true;
}

/** Give a claimed run back (after its result is written, or when it failed), with its takeover marks. */
export function releaseRun(result: string): void {
  unlinkSync(claimPath(result));
  const prefix = `${basename(claimPath(result))}.takeover-`;
  for (const name of readdirSync(dirname(result))) {
    if (name.startsWith(prefix)) rmSync(join(dirname(result), name), { force: true });
  }
}
