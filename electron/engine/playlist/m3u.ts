import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { trackLabel } from '../../contract/wording';
import { inputError, NeedledropError } from '../errors';
import { checkOutput, publish } from '../media/export';
import { tmpName } from '../util/atomic-write';
import { errnoWords } from '../util/errno';

/** A track as a playlist file lists it (a TrackView is one). */
export interface M3UItem {
  path: string;
  /** Seconds; unknown (NaN, negative) is written as -1 as the format asks. */
  duration: number;
  artist?: string | null;
  title?: string | null;
}

/**
 * Characters some reader takes for the end of a line: CR and LF, and for readers that split at
 * every Unicode line break (Python's splitlines, for one) VT, FF, the C1 NEL, the file/group/record
 * separators and U+2028/U+2029, with every other control character besides. None may stand in a
 * path line as it is.
 */
const LINE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What a player trims off an M3U line's ends (mpv's mp_isspace; line breaks are handled apart). */
const TRIMMED = /^[ \t\v\f]$/;

/**
 * Relative to the playlist's folder when possible (same drive/root), absolute otherwise. A path
 * with a line break or another control character (LINE_UNSAFE) cannot be one M3U line: it is
 * written as a file:// URL (percent-encoded), which players (VLC, mpv, foobar2000) read back to the same path. A relative path starting
 * with "#" would read as a comment: it gets a "./" in front.
 * Players trim each line (mpv strips ASCII whitespace at both ends, VLC skips leading blanks:
 * review R2.2): a relative path starting with whitespace gets the same "./", and a path ending
 * with whitespace (which no prefix protects) is written as a file:// URL, whose %20 / %09 survive.
 */
function entryPath(file: string, playlistDir: string): string {
  const absolute = path.resolve(file);
  if (LINE_UNSAFE.test(absolute) || TRIMMED.test(absolute.slice(-1))) return pathToFileURL(absolute).href;
  const relative = path.relative(playlistDir, absolute);
  if (relative === '' || path.isAbsolute(relative)) return absolute;
  return relative.startsWith('#') || TRIMMED.test(relative[0]) ? `.${path.sep}${relative}` : relative;
}

/**
 * Extended M3U text for items, with paths written relative to `playlistDir` when possible. Each
 * #EXTINF names its track as every front does (trackLabel: the CLI's lists and the app's rows read
 * the same), control characters and line breaks escaped, so a title or an untagged file's name
 * stays on its line (review S14).
 */
export function formatM3U(items: M3UItem[], playlistDir: string): string {
  const dir = path.resolve(playlistDir);
  const lines = ['#EXTM3U'];
  for (const item of items) {
    const seconds = Number.isFinite(item.duration) && item.duration >= 0 ? Math.round(item.duration) : -1;
    lines.push(`#EXTINF:${seconds},${trackLabel({ artist: item.artist ?? null, title: item.title ?? null, path: item.path })}`, entryPath(item.path, dir));
  }
  return lines.join('\n') + '\n';
}

/** What a playlist file may be named: anything else (a catalog, a track) is never overwritten by one. */
const PLAYLIST_NAME = /\.m3u8?$/i;

function writeCause(err: unknown): string {
  return `cannot write the playlist (${errnoWords(err)})`;
}

/**
 * What writeM3U refuses before it writes: a name other than .m3u8/.m3u, a folder that is not there,
 * an existing file without `force`. A front asks it before building the playlist, so a wrong --m3u
 * is said before any work (review R4.5), in the words the write would use.
 */
export async function checkPlaylistFile(outPath: string, force = false): Promise<void> {
  if (!PLAYLIST_NAME.test(outPath)) throw inputError(outPath, 'a playlist file must be named .m3u8 or .m3u');
  await checkOutput(path.resolve(outPath), outPath, force);
}

/**
 * Write an extended M3U playlist (UTF-8, no BOM) to outPath, which must be named .m3u8 or .m3u.
 * An existing file is replaced only with `force` (as export does); the text is written beside it
 * and then linked (or, with `force`, renamed) into place, so a failed write leaves the old file.
 */
export async function writeM3U(items: M3UItem[], outPath: string, force = false): Promise<void> {
  await checkPlaylistFile(outPath, force);
  const out = path.resolve(outPath);
  const text = formatM3U(items, path.dirname(out));
  const tmp = tmpName(out);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await publish(tmp, out, outPath, force);
  } catch (err) {
    if (err instanceof NeedledropError) throw err; // 'exists' from publish: already plain
    throw inputError(outPath, writeCause(err), err);
  } finally {
    await rm(tmp, { force: true });
  }
}
