import { isUtf8 } from 'node:buffer';
import { statSync, type BigIntStats, type Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { oneLine } from '../../contract/wording';
import { cancelledError, inputError } from '../errors';
import { errnoWords } from '../util/errno';

/** Audio containers ffmpeg reads that people keep music in; matched case-insensitively. */
export const AUDIO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp3', '.m4a', '.m4b', '.aac', '.mp4a', '.ogg', '.oga', '.opus', '.flac', '.wav', '.wave',
  '.aif', '.aiff', '.aifc', '.wma', '.wv', '.ape', '.mpc', '.alac', '.ac3', '.dts', '.mka', '.caf', '.tta', '.mp2',
]);

export function isAudioPath(path: string): boolean {
  return AUDIO_EXTENSIONS.has(extname(path).toLowerCase());
}

/**
 * Video containers that often hold sound alone (yt-dlp's .webm, a store's .mp4): scanned as
 * candidates, indexed only when they have no picture (the indexer asks ffprobe; review R30).
 */
export const SOUND_OR_VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['.webm', '.mp4', '.m4v', '.mkv', '.mov']);

/** A file on disk as the scan saw it. */
export interface DiskEntry {
  path: string;
  size: number;
  mtimeMs: number;
  /** Named like a video container: music only if it turns out to have no picture. */
  maybeVideo?: boolean;
  /** The file's identity on disk (fileKeyOf): two entries with the same key are two paths to one file. */
  key?: string;
  /** The path's last name is a symbolic link (to a file). */
  link?: true;
}

/** A file's identity on disk from its stat: device and inode (as bigints, which no inode number outgrows). */
export function fileKeyOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}`;
}

/** The identity of the file at `path` (links followed), undefined when it cannot be read. */
export function fileKey(path: string): string | undefined {
  try {
    return fileKeyOf(statSync(path, { bigint: true }));
  } catch {
    return undefined;
  }
}

/**
 * A bigint stat's mtime as the number stats give it (sec × 1000 + nsec / 10⁶ in floating point,
 * truncated), which is what the catalog stores and every other stat here is compared in.
 */
export function mtimeMsOf(st: BigIntStats): number {
  return Math.trunc(Number(st.mtimeNs / 1_000_000_000n) * 1e3 + Number(st.mtimeNs % 1_000_000_000n) / 1e6);
}

/** A scanned file's entry from its stat (bigint: see fileKeyOf). */
function entryOf(path: string, st: BigIntStats, extra: { maybeVideo?: true; link?: boolean } = {}): DiskEntry {
  return { path, size: Number(st.size), mtimeMs: mtimeMsOf(st), ...(extra.maybeVideo ? { maybeVideo: true } : {}), key: fileKeyOf(st), ...(extra.link ? { link: true } : {}) };
}

/**
 * A name under a root the scan does not index, and why. `audio`: it looks like music the user
 * expects indexed (named like an audio file, or unreadable as a name), so it counts as a failure;
 * otherwise it is something else kept in the library (cover art, a text file, a hidden folder).
 */
export interface ScanSkip {
  path: string;
  reason: string;
  audio: boolean;
  /**
   * The path is there but could not be read (a folder's permissions, an I/O error): what the
   * catalog holds under it is unavailable for now, not removed.
   */
  unreadable?: boolean;
}

/** Why a folder under the roots is among the skipped names: fronts count these apart from files (review S12.12). */
export const FOLDER_SKIPS = {
  namedLikeAudio: 'a folder named like an audio file (its contents are scanned)',
  hidden: 'a hidden folder, not scanned',
  link: 'a symbolic link to a folder, not followed',
  dataFolder: "Needledrop's data folder (its catalog, caches and models), not scanned",
} as const;

/** A name as a user can read it: a name that is not UTF-8 with its bytes outside printable ASCII escaped (\xNN, \n, …). */
function displayName(name: Buffer): string {
  return isUtf8(name) ? name.toString('utf8') : oneLine(name.toString('latin1'), /[^\x20-\x7e]/g);
}

function kindOf(d: Dirent<Buffer>): string {
  if (d.isFIFO()) return 'a named pipe (FIFO)';
  if (d.isSocket()) return 'a socket';
  if (d.isCharacterDevice() || d.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function statCause(code: string | undefined, link: boolean): string {
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code === 'ENOENT' && link) return 'a broken symbolic link (its target is missing)';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot read it (${code === undefined ? 'unknown error' : errnoWords({ code })})`;
}

/**
 * Every audio file under `roots`, recursively, sorted by path; every other name under them is
 * handed to `onSkip` with a reason, so nothing is dropped silently. Hidden folders (".git",
 * ".Trash") are not entered; symlinked folders are not followed (no cycles); symlinked files
 * are. Names are read as bytes: one that is not valid UTF-8 cannot be passed on as a path, so it
 * is reported (rename it), never mangled into a name that does not exist. `onFolder` hears each
 * folder read (the watcher watches those).
 */
export async function findAudioFiles(
  roots: readonly string[],
  opts: { signal?: AbortSignal; onSkip?: (skip: ScanSkip) => void; onFolder?: (dir: string) => void; dataFolder?: string } = {},
): Promise<DiskEntry[]> {
  const out = new Map<string, DiskEntry>();
  // A library folder that holds the data folder: its catalog, caches and models are not music (by identity: a link to it too).
  const dataKey = opts.dataFolder === undefined ? undefined : fileKey(opts.dataFolder);
  // Overlapping roots (a folder and one inside it) walk each folder once, so nothing is reported twice.
  const walked = new Set<string>();
  // A folder reached again under another name (a root that is a link to another root, or to a folder
  // inside it): its files are listed under both names (the plan keeps one path per file), what it
  // skips is said once, under the first name (review R1.12: five broken files counted as eight failures).
  const folderKeys = new Set<string>();
  const report = (path: string, reason: string, audio: boolean, unreadable = false): void =>
    opts.onSkip?.({ path, reason, audio, ...(unreadable ? { unreadable } : {}) });
  const walk = async (dir: string): Promise<void> => {
    if (opts.signal?.aborted) throw cancelledError('scan');
    if (walked.has(dir)) return;
    walked.add(dir);
    if (dataKey !== undefined && fileKey(dir) === dataKey) {
      report(dir, FOLDER_SKIPS.dataFolder, false);
      return;
    }
    let entries: Dirent<Buffer>[];
    try {
      entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      report(dir, `folder not readable (${errnoWords(err)})`, true, true);
      return;
    }
    const key = fileKey(dir);
    const skip = key !== undefined && folderKeys.has(key) ? (): void => undefined : report;
    if (key !== undefined) folderKeys.add(key);
    opts.onFolder?.(dir);
    for (const d of entries) {
      const utf8 = isUtf8(d.name);
      const name = displayName(d.name);
      const p = join(dir, name);
      const maybeVideo = SOUND_OR_VIDEO_EXTENSIONS.has(extname(name).toLowerCase());
      const audioName = isAudioPath(name);
      if (!utf8) {
        skip(p, `its name is not valid UTF-8, so it cannot be passed on as a path; rename it to index it${d.isDirectory() ? ' (a folder: nothing in it is indexed)' : ''}`, true);
      } else if (d.isDirectory()) {
        if (name.startsWith('.')) skip(p, FOLDER_SKIPS.hidden, false);
        else {
          if (audioName || maybeVideo) skip(p, FOLDER_SKIPS.namedLikeAudio, false);
          await walk(p);
        }
      } else if (d.isFile() || d.isSymbolicLink()) {
        let st;
        try {
          st = await stat(p, { bigint: true });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // A broken link's file is gone; any other failure leaves the file there but unreadable.
          skip(p, statCause(code, d.isSymbolicLink()), audioName, code !== 'ENOENT');
          continue;
        }
        if (st.isDirectory()) skip(p, FOLDER_SKIPS.link, audioName);
        else if (!st.isFile()) skip(p, `a link to ${st.isFIFO() ? 'a named pipe (FIFO)' : 'something that is not a regular file'}`, audioName);
        else if (maybeVideo) out.set(p, entryOf(p, st, { maybeVideo: true, link: d.isSymbolicLink() }));
        else if (!audioName) skip(p, `not named like an audio file (${extname(name) || 'no extension'})`, false);
        else out.set(p, entryOf(p, st, { link: d.isSymbolicLink() }));
      } else {
        skip(p, kindOf(d), audioName);
      }
    }
  };
  // Roots that are their own real path first, so a folder reached by two names reports under its real one.
  const resolved = roots.map((r) => resolve(r));
  const throughLink = await Promise.all(resolved.map((r) => realpath(r).then((real) => real !== r, () => false)));
  const ordered = resolved.map((abs, i) => ({ abs, link: throughLink[i] })).sort((a, b) => Number(a.link) - Number(b.link));
  for (const { abs } of ordered) {
    let st;
    try {
      st = await stat(abs, { bigint: true });
    } catch (err) {
      throw inputError(abs, 'folder not found', err);
    }
    if (st.isFile() && isAudioPath(abs)) out.set(abs, entryOf(abs, st));
    else if (st.isDirectory()) await walk(abs);
    else throw inputError(abs, 'not a folder or an audio file');
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
