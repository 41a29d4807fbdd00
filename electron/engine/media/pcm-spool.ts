import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Private files for decoded PCM on a RAM-backed file system (/dev/shm, where it exists), so
 * ffmpeg can write a track's PCM into a file that is read afterwards in a few large reads instead
 * of ~640 pipe reads of 32 KB interleaved with ffmpeg's own work (docs/catalog.md, 2026-12-01
 * 04:40). Each decode gets a folder of its own (`needledrop-pcm-<pid>-<random>`, mode 0700, made
 * by mkdtemp so no one else's file or link can stand in for it) and removes it when it ends.
 * A process killed with SIGKILL cannot clean up: the first spool of any later process (in each of
 * its threads) removes the folders of processes that no longer run. Where there is no /dev/shm
 * (macOS, Windows) there is no spool and PCM comes through the pipe: a temp folder on disk would
 * have every track's PCM (21 MB for 240 s) written towards the disk, and the saving was measured
 * only on tmpfs.
 */

const PREFIX = 'needledrop-pcm-';
const NAME = /^needledrop-pcm-(\d+)-/;

/**
 * Where spools live: `NEEDLEDROP_PCM_SPOOL_ROOT` when set (another RAM-backed folder, or a test's
 * own), else /dev/shm (Linux), or null where there is none.
 */
export function spoolRoot(): string | null {
  const root = process.env.NEEDLEDROP_PCM_SPOOL_ROOT || '/dev/shm';
  try {
    if (statSync(root).isDirectory()) return root;
  } catch {
    // no /dev/shm (macOS, Windows), or the folder named is not there
  }
  return null;
}

/** Whether process `pid` exists (EPERM: it does, owned by someone else). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the spool folders under `root` whose process has ended (a SIGKILL leaves them). Returns the names removed. */
export function sweepStaleSpools(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || running(Number(m[1]))) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // another process swept it first, or it is not ours to remove: leave it
    }
  }
  return removed;
}

/** One decode's spool: ffmpeg writes `path`; release() removes it and its folder (idempotent). */
export interface SpoolFile {
  path: string;
  release(): void;
}

let swept = false;

/** A fresh spool file for one decode, or null when there is no spool (then decode through a pipe). */
export function spoolFile(): SpoolFile | null {
  const root = spoolRoot();
  if (root === null) return null;
  if (!swept) {
    swept = true;
    sweepStaleSpools(root);
  }
  let dir: string;
  try {
    dir = mkdtempSync(join(root, `${PREFIX}${process.pid}-`));
  } catch {
    return null;
  }
  return { path: join(dir, 'pcm.f32'), release: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The spool folders of this process that exist now (tests: none once its decodes have ended). */
export function ownSpools(): string[] {
  const root = spoolRoot();
  if (root === null) return [];
  return readdirSync(root).filter((n) => n.startsWith(`${PREFIX}${process.pid}-`));
}
