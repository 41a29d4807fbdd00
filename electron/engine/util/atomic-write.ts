/**
 * Write a file so that readers see either its old contents or the whole new ones: the data goes
 * to a temporary file beside it, which is then renamed over it (atomic on one file system). The
 * temporary name is unique to the process and the call: with one shared `<file>.tmp`, two writers
 * (the app and the CLI, or two overlapping async writes) truncate each other's half-written file
 * and one of them renames the other's, or finds it already gone.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

let calls = 0;
const tmpName = (file: string): string => `${file}.${process.pid}.${++calls}.tmp`;

export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void {
  const tmp = tmpName(file);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
