import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';

/** A path's real path (links resolved), or the path itself when it cannot be resolved (a folder gone). */
export function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
