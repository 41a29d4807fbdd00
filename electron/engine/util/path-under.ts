import { sep } from 'node:path';

/** Whether `path` is `dir` itself or inside it, by whole path components (/lib/ab is not under /lib/a). */
export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
