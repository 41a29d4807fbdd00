/**
 * Write a file so that readers see either its old contents or the whole new ones: the data goes
 * to a temporary file beside it, which is then renamed over it (atomic on one file system). The
 * temporary name is unique to the process and the call: with one shared `<file>.tmp`, two writers
 * (the app and the CLI, or two overlapping async writes) truncate each other's half-written file
 * and one of them renames the other's, or finds it already gone. A process killed between the
 * write and the rename leaves its temporary file behind; the first write into a folder by each
 * process removes those of processes that are gone. Only names no one else makes are removed:
 * `.<file>.needledrop-<pid>-<call>.tmp` (review R5.1: the plain `<file>.<pid>.<n>.tmp` pattern also
 * took a user's `thesis.2023.1.tmp` from a folder a playlist or a hand-off file was written to).
 */
import { readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from './pid';

let calls = 0;
const TEMPORARY = /^\..+\.needledrop-(\d+)-\d+\.tmp$/;
const swept = new Set<string>();

/** Whether `name` is a temporary file of this module's whose writer is still running. */
export function isLiveTemporary(name: string): boolean {
  const m = TEMPORARY.exec(name);
  return m !== null && pidAlive(Number(m[1]));
}

/** Once per folder and process: remove the temporary files of dead writers (cheap after the first). */
function sweepDeadTemporaries(dir: string): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet: the write reports it
  }
  for (const name of names) {
    if (!TEMPORARY.test(name) || isLiveTemporary(name)) continue;
    try {
      rmSync(join(dir, name), { force: true });
    } catch {
      // Another user's in a shared folder (EPERM): a clean-up failing is no reason for the write to fail.
    }
  }
}

/** A temporary name beside `file`, unique to this process and call, swept once its writer is gone. */
export function tmpName(file: string): string {
  sweepDeadTemporaries(dirname(file));
  return join(dirname(file), `.${basename(file)}.needledrop-${process.pid}-${++calls}.tmp`);
}

export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  saveAtomic(file, (tmp) => writeFileSync(tmp, data));
}

export async function writeFileAtomicAsync(file: string, data: string | NodeJS.ArrayBufferView): Promise<void> {
  const tmp = tmpName(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Let `save` write a temporary file (a native writer that takes a path), then rename it over `file`. */
export function saveAtomic(file: string, save: (tmp: string) => void): void {
  const tmp = tmpName(file);
  try {
    save(tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
