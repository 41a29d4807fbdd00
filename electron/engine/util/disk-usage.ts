import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes and files under `path` (a file or a folder; symlinks counted as links, never followed). */
export function diskUsage(path: string): { bytes: number; files: number } {
  if (!existsSync(path)) return { bytes: 0, files: 0 };
  const st = lstatSync(path);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const name of readdirSync(path)) {
    const u = diskUsage(join(path, name));
    bytes += u.bytes;
    files += u.files;
  }
  return { bytes, files };
}
