/**
 * Where a front may write an export, checked before any job starts: a clip on a read-only card or
 * in a folder without permission gets a default export place that can be written, and a typed path
 * that cannot is said at once, not after the analysis and the encode.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { folderWriteProblem } from '../util/writable';

export { folderWriteProblem };

/**
 * The folder an export of `clip` goes to by default: beside the clip when that folder can be
 * written, else the user's Videos (or Movies) folder, else home; with the reason when it is not
 * beside the clip.
 */
export function exportFolderFor(clip: string, home: string = homedir()): { folder: string; note: string | null } {
  const own = dirname(clip);
  const problem = folderWriteProblem(own);
  if (problem === null) return { folder: own, note: null };
  for (const folder of [join(home, 'Videos'), join(home, 'Movies'), home]) {
    if (folderWriteProblem(folder) === null) return { folder, note: `cannot write beside the clip in ${own} (${problem}): exports go to ${folder}` };
  }
  return { folder: own, note: `cannot write beside the clip in ${own} (${problem}), nor in ${home}: choose a folder you can write in` };
}
