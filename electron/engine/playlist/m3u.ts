import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inputError } from '../errors';

export interface M3UItem {
  path: string;
  /** Seconds; unknown (NaN, negative) is written as -1 as the format asks. */
  duration: number;
  artist?: string;
  title?: string;
}

/** Line breaks inside a tag would start a new M3U line. */
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * Relative to the playlist's folder when possible (same drive/root), absolute otherwise. A path
 * with a line break cannot be one M3U line: it is written as a file:// URL (percent-encoded),
 * which players (VLC, mpv, foobar2000) read back to the same path. A relative path starting
 * with "#" would read as a comment: it gets a "./" in front.
 */
function entryPath(file: string, playlistDir: string): string {
  const absolute = path.resolve(file);
  if (/[\r\n]/.test(absolute)) return pathToFileURL(absolute).href;
  const relative = path.relative(playlistDir, absolute);
  if (relative === '' || path.isAbsolute(relative)) return absolute;
  return relative.startsWith('#') ? `.${path.sep}${relative}` : relative;
}

function label(item: M3UItem): string {
  const artist = oneLine(item.artist ?? '');
  const title = oneLine(item.title ?? '');
  if (artist && title) return `${artist} – ${title}`;
  return artist || title || path.basename(item.path, path.extname(item.path));
}

/** Extended M3U text for items, with paths written relative to `playlistDir` when possible. */
export function formatM3U(items: M3UItem[], playlistDir: string): string {
  const dir = path.resolve(playlistDir);
  const lines = ['#EXTM3U'];
  for (const item of items) {
    const seconds = Number.isFinite(item.duration) && item.duration >= 0 ? Math.round(item.duration) : -1;
    lines.push(`#EXTINF:${seconds},${label(item)}`, entryPath(item.path, dir));
  }
  return lines.join('\n') + '\n';
}

/** Write an extended M3U playlist (UTF-8, no BOM) to outPath. */
export async function writeM3U(items: M3UItem[], outPath: string): Promise<void> {
  const text = formatM3U(items, path.dirname(path.resolve(outPath)));
  try {
    await writeFile(outPath, text, 'utf8');
  } catch (err) {
    throw inputError(outPath, `cannot write the playlist (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
}
