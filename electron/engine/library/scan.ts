import { opendir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { cancelledError, inputError } from '../errors';

/** Audio containers ffmpeg reads that people keep music in; matched case-insensitively. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp3', '.m4a', '.m4b', '.aac', '.mp4a', '.ogg', '.oga', '.opus', '.flac', '.wav', '.wave',
  '.aif', '.aiff', '.aifc', '.wma', '.wv', '.ape', '.mpc', '.alac', '.ac3', '.dts', '.mka', '.caf', '.tta', '.mp2',
]);

export function isAudioPath(path: string): boolean {
  return AUDIO_EXTENSIONS.has(extname(path).toLowerCase());
}

/** A file on disk as the scan saw it. */
export interface DiskEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Every audio file under `roots`, recursively, sorted by path. Hidden folders (".git",
 * ".Trash") are skipped; symlinked folders are not followed (no cycles); unreadable folders
 * are skipped and reported through `onSkip`.
 */
export async function findAudioFiles(
  roots: readonly string[],
  opts: { signal?: AbortSignal; onSkip?: (path: string, reason: string) => void } = {},
): Promise<DiskEntry[]> {
  const out = new Map<string, DiskEntry>();
  const walk = async (dir: string): Promise<void> => {
    if (opts.signal?.aborted) throw cancelledError('scan');
    let handle;
    try {
      handle = await opendir(dir);
    } catch (err) {
      opts.onSkip?.(dir, (err as NodeJS.ErrnoException).code ?? String(err));
      return;
    }
    for await (const d of handle) {
      const p = join(dir, d.name);
      if (d.isDirectory()) {
        if (!d.name.startsWith('.')) await walk(p);
      } else if ((d.isFile() || d.isSymbolicLink()) && isAudioPath(d.name)) {
        try {
          const st = await stat(p);
          if (st.isFile()) out.set(p, { path: p, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
        } catch (err) {
          opts.onSkip?.(p, (err as NodeJS.ErrnoException).code ?? String(err));
        }
      }
    }
  };
  for (const root of roots) {
    const abs = resolve(root);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      throw inputError(abs, 'folder not found', err);
    }
    if (st.isFile() && isAudioPath(abs)) out.set(abs, { path: abs, size: st.size, mtimeMs: Math.trunc(st.mtimeMs) });
    else if (st.isDirectory()) await walk(abs);
    else throw inputError(abs, 'not a folder or an audio file');
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
