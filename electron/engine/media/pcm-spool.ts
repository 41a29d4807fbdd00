import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * Private folders for decoded PCM on a RAM-backed file system (/dev/shm, where it exists), so
 * ffmpeg can write a track's PCM into a file that is read afterwards in a few large reads instead
 * of ~640 pipe reads of 32 KB interleaved with ffmpeg's own work (docs/catalog.md, 2026-12-01
 * 04:40). One folder per process and thread
 * (`needledrop-pcm-<pid>-<thread>`), made on first use; files in it are unlinked as soon as they
 * are opened for reading. A process killed with SIGKILL cannot clean up: the first use of a spool
 * in any later process removes the folders of processes that no longer run; a normal exit removes
 * its own. Where there is no /dev/shm (macOS, Windows) there is no spool and PCM comes through
 * the pipe: a temp folder on disk would have every track's PCM (21 MB for 240 s) written towards
 * the disk, and the saving was measured only on tmpfs.
 */

const PREFIX = 'needledrop-pcm-';
const NAME = /^needledrop-pcm-(\d+)-\d+$/;

/** Where spools live: /dev/shm (Linux), or null where there is none. */
export function spoolRoot(): string | null {
  try {
    if (statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no /dev/shm (macOS, Windows)
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

let folder: string | null | undefined;
let serial = 0;

/** This thread's spool folder, made (and stale ones swept) on first use; null when none can be made (then decode through a pipe). */
function spoolFolder(): string | null {
  if (folder !== undefined && (folder === null || existsSync(folder))) return folder;
  const root = spoolRoot();
  if (root === null) return (folder = null);
  sweepStaleSpools(root);
  const dir = join(root, `${PREFIX}${process.pid}-${threadId}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    folder = dir;
    // A worker thread's 'exit' is its own; the main thread's is the process's.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  } catch {
    folder = null;
  }
  return folder;
}

/** A fresh path for one decode's PCM in this thread's spool, or null when there is no spool. */
export function spoolPath(): string | null {
  const dir = spoolFolder();
  return dir === null ? null : join(dir, `${serial++}.f32`);
}
