/**
 * Where the corpus operation may write: not the data folder itself (its catalog, models and settings
 * would sit among the corpus's manifest.json, video/ and music/), nor a library folder or one inside
 * it (with Watch on, the corpus's tracks would be indexed as the user's music). Review S11.
 * Folders inside the data folder are fine: the Train screen offers <data folder>/corpus.
 */
import { resolve } from 'node:path';
import { inputError } from '../errors';
import { isUnder } from '../util/path-under';

export function checkCorpusPlace(out: string, dataDir: string, libraryFolders: readonly string[]): void {
  const dir = resolve(out);
  if (dir === resolve(dataDir)) {
    throw inputError(dir, "is Needledrop's data folder (catalog, models, settings): give a folder of the corpus's own, e.g. " + resolve(dataDir, 'corpus'));
  }
  const library = libraryFolders.map((f) => resolve(f)).find((f) => isUnder(dir, f));
  if (library !== undefined) {
    const where = library === dir ? 'is a library folder' : `is inside the library folder ${library}`;
    throw inputError(dir, `${where}: the corpus's synthetic tracks would be indexed as your music; give a folder outside the library`);
  }
}
