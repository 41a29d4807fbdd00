/**
 * Claim files let several benchmark workers share one list of runs: a worker trains a run only
 * after creating `<result>.claim` (with its pid in it). A claim whose process is gone (a killed
 * worker) is taken over by exactly one worker.
 *
 * The claim appears with its pid already in it (written to a private file, then hard-linked into
 * place, which fails if a claim exists), so no other worker can read it empty and take it for
 * abandoned. Taking over a dead holder's claim first creates `<result>.claim.takeover-<holder>-<inode>`
 * exclusively: of the workers that saw the same dead claim only that file's creator replaces it,
 * where removing and recreating it would let a late worker remove the winner's claim. The winner
 * then reads the claim again and replaces it only if it is still the dead one it saw: a worker
 * that stalled past the run's release (which clears the marks) and a fresh claim must not win.
 */
import { closeSync, fstatSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from '../../electron/engine/util/pid';

const claimPath = (result: string): string => `${result}.claim`;
const takeoverPath = (result: string, seen: SeenClaim): string => `${claimPath(result)}.takeover-${seen.holder || 'empty'}-${seen.ino}`;

/** A claim as one read saw it: its contents (the holder's pid) and which file it was. */
export interface SeenClaim {
  holder: string;
  ino: number;
}

/** The claim of `result` as it is now; null when there is none. */
export function readClaim(result: string): SeenClaim | null {
  let fd: number;
  try {
    fd = openSync(claimPath(result), 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return { ino: fstatSync(fd).ino, holder: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

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
  // Released between the link and the read: the next pass of the worker's list tries again.
  const seen = readClaim(result);
  if (!seen) return false;
  const holderPid = Number(seen.holder);
  if (holderPid === pid || (holderPid > 0 && pidAlive(holderPid))) return false;
  return takeOver(result, seen, pid);
}

/**
 * Replace the dead claim `seen` with one of `pid`'s; true for the one worker that wins it. Exported
 * so that a test can play workers that saw the same dead claim at different times.
 */
export function takeOver(result: string, seen: SeenClaim, pid: number): boolean {
  try {
    writeFileSync(takeoverPath(result, seen), String(pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  const now = readClaim(result);
  if (!now || now.ino !== seen.ino || now.holder !== seen.holder) return false;
  renameSync(privateClaim(result, pid), claimPath(result));
  return true;
}

/** Give a claimed run back (after its result is written, or when it failed), with its takeover marks. */
export function releaseRun(result: string): void {
  rmSync(claimPath(result), { force: true });
  const prefix = `${basename(claimPath(result))}.takeover-`;
  for (const name of readdirSync(dirname(result))) {
    if (name.startsWith(prefix)) rmSync(join(dirname(result), name), { force: true });
  }
}
