/**
 * The files a fit writes (the remix, the hand-off set) checked before anything is analysed or
 * rendered, by export's rules: the folder exists (the hand-off folder is created), is a folder and
 * can be written; an output that exists is refused ('exists') unless `force`. A cause is plain
 * and names the path at fault, never an errno and a stack.
 */
import { constants } from 'node:fs';
import { access, lstat, mkdir, rmdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { inputError } from '../errors';
import { checkOutput } from '../media/export';
import { errnoWords } from '../util/errno';


export const REMIX_EXTENSIONS = ['.wav', '.flac'];

export interface HandoffPaths {
  fcpxml: string;
  edl: string;
  csv: string;
}

export function handoffPaths(dir: string, base: string): HandoffPaths {
  return { fcpxml: join(dir, `${base}.fcpxml`), edl: join(dir, `${base}.edl`), csv: join(dir, `${base}-markers.csv`) };
}

/** A remix name: .wav or .flac, and not the track itself. */
export function checkRemixName(out: string, track: string): void {
  if (!REMIX_EXTENSIONS.includes(extname(out).toLowerCase())) throw inputError(out, 'the remix must end in .wav or .flac');
  if (resolve(out) === resolve(track)) throw inputError(out, 'the remix cannot overwrite the track');
}

/** Make the hand-off folder; returns the first folder this made (undefined: it existed), for `removeMadeFolders`. */
export async function makeHandoffFolder(dir: string): Promise<string | undefined> {
  let made: string | undefined;
  try {
    made = await mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError(dir, code === 'EEXIST' ? 'is a file, not a folder' : `cannot create this folder (${errnoWords(err)})`, err);
  }
  return made;
}

/** Undo `makeHandoffFolder` after a failed fit: the folders it made, from `dir` up to `made`, while they are empty. */
export async function removeMadeFolders(dir: string, made: string | undefined): Promise<void> {
  if (!made) return;
  const top = resolve(made);
  for (let d = resolve(dir); d.length >= top.length; d = dirname(d)) {
    if (!(await rmdir(d).then(() => true, () => false))) return;
    if (d === top) return;
  }
}

async function checkWritable(dir: string, given: string): Promise<void> {
  await access(dir, constants.W_OK | constants.X_OK).catch((err: unknown) => {
    throw inputError(given, `cannot write in ${dir} (${errnoWords(err)})`, err);
  });
}

/** One output file: export's checks, a name the file system takes, a folder it can write in. */
async function checkFile(file: string, force: boolean): Promise<void> {
  const out = resolve(file);
  await checkOutput(out, file, force);
  const err = await lstat(out).then(() => undefined, (e: NodeJS.ErrnoException) => e);
  if (err && err.code !== 'ENOENT') throw inputError(file, errnoWords(err), err);
  await checkWritable(dirname(out), file);
}

/** Every file the fit will write, checked before any work: the remix (when asked) and the hand-off set. */
export async function checkFitOutputs(remix: string | undefined, handoff: HandoffPaths | undefined, force: boolean): Promise<void> {
  for (const file of [...(remix ? [remix] : []), ...(handoff ? [handoff.fcpxml, handoff.edl, handoff.csv] : [])]) await checkFile(file, force);
}
