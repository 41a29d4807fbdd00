/**
 * Whether files can be written in a folder, asked before any work: a run that can only fail at its
 * end (a training run at its first checkpoint, review S15) is refused at once, in words.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inputError } from '../errors';
import { errnoWords } from './errno';

/** Null when files can be made in `dir`; else why not, in plain words. */
export function folderWriteProblem(dir: string): string | null {
  try {
    if (!statSync(dir).isDirectory()) return 'not a folder';
    accessSync(dir, constants.W_OK | constants.X_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : errnoWords(err);
  }
}

/**
 * Null when files can be written in `dir` once it is made: it exists and can be written, or its
 * nearest existing ancestor can (where mkdir -p starts). Else the folder at fault and why.
 */
export function folderMakeProblem(dir: string): { folder: string; problem: string } | null {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const problem = folderWriteProblem(at);
  return problem === null ? null : { folder: at, problem };
}

/** Refuses, as bad input naming the folder, the first of `folders` that cannot be written or made ("the checkpoints folder", …). */
export function checkWritableFolders(folders: ReadonlyArray<{ dir: string; what: string }>): void {
  for (const { dir, what } of folders) {
    const p = folderMakeProblem(dir);
    if (p === null) continue;
    const full = resolve(dir);
    throw inputError(full, p.folder === full ? `cannot write ${what} (${p.problem})` : `cannot make ${what} (${p.problem} in ${p.folder})`);
  }
}

/**
 * mkdir -p `dir` ("the data folder", …), refused as bad input naming the folder at fault and why: a
 * NEEDLEDROP_HOME that is a file, or under a read-only disk, was "internal error: EEXIST … mkdir"
 * (or ENOENT, for a read-only disk) with a stack and exit 70 (review R4.2).
 */
export function makeFolder(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const full = resolve(dir);
    const p = folderMakeProblem(full);
    const cause = p === null ? errnoWords(err) : p.problem !== 'not a folder' ? `${p.problem} in ${p.folder}` : p.folder === full ? 'it is a file, not a folder' : `${p.folder} is a file, not a folder`;
    throw inputError(full, `cannot make ${what} (${cause})`, err);
  }
}
