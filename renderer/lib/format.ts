/** Numbers as the screens print them. */
import { soundtrackLine } from '../../electron/contract/temp-track';
import type { ClipSoundtrack } from '../../electron/contract/types';
import { oneLine } from '../../electron/contract/wording';

export function clockTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  // Rounded to the tenth first, so 59.96 s reads 1:00.0, not 0:60.0.
  const tenths = Math.round(Math.max(0, seconds) * 10);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor((tenths % 36_000) / 600);
  const ss = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function eta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min ${Math.round(seconds % 60)} s left` : `${Math.floor(m / 60)} h ${m % 60} min left`;
}

export function bpm(value: number | null): string {
  return value === null ? '–' : value.toFixed(0);
}

export function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

/**
 * A track's display name: "Artist – Title", either alone, else the file name, with control characters and
 * direction marks shown escaped: the contract's rule, so a row reads as the CLI and the M3U name the track
 * (review R2.7, R2.8).
 */
export { trackLabel as trackName } from '../../electron/contract/wording';

/** A track's title alone, else its file name, escaped as the CLI prints it: where the artist has a place of its own (Library's table and detail). */
export function titleOrFile(t: { title: string | null; path: string }): string {
  return oneLine(t.title?.trim() ? t.title : basename(t.path));
}

/** A name or title for one line of a screen, escaped as the CLI prints it (review R2.8: a U+202E turned the app's text round). */
export { oneLine };

/** "1 track", "2 tracks": a count with its noun (regular plurals). */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The folder a path is in ('/' for a file at the root). */
export function folderOf(path: string): string {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? path.slice(0, 1) : '.';
}

/** Beside the clip, or in `folder` when given: "clip.mp4" → "clip-scored.mp4". */
export function scoredPath(clipPath: string, folder?: string): string {
  const dot = clipPath.lastIndexOf('.');
  const slash = Math.max(clipPath.lastIndexOf('/'), clipPath.lastIndexOf('\\'));
  const stem = dot > slash ? clipPath.slice(0, dot) : clipPath;
  const ext = dot > slash ? clipPath.slice(dot) : '.mp4';
  const beside = `${stem}-scored${ext}`;
  return folder === undefined ? beside : inFolder(folder, basename(beside));
}

/** A file named `name` in `folder`, with the folder's own separator (a Windows folder has only backslashes). */
export function inFolder(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return `${folder.replace(/[\\/]+$/, '')}${sep}${name}`;
}

/** The files a fit hands off into a folder (the engine's names: `<clip>-fit.*`, fit/outputs.ts) and the plan file saved beside them. */
export function fitFiles(folder: string, clipPath: string): { remix: string; fcpxml: string; edl: string; csv: string; plan: string } {
  const name = basename(clipPath);
  const dot = name.lastIndexOf('.');
  const stem = `${dot > 0 ? name.slice(0, dot) : name}-fit`;
  const at = (suffix: string): string => inFolder(folder, `${stem}${suffix}`);
  return { remix: at('.wav'), fcpxml: at('.fcpxml'), edl: at('.edl'), csv: at('-markers.csv'), plan: at('-plan.json') };
}

// The wording of confidences and standings is the contract's, so the CLI says the same.
export { percent, standing, STANDING_AS_SHARE_FROM, topPercent } from '../../electron/contract/wording';

/**
 * A number typed in a whole-number field, rounded and clamped to [min, max] (2.4 → 2, 2.5 → 3, below
 * min → min, above max → max); empty or not a number → `current`. The field then shows what is in force
 * instead of sending what the engine's schema would refuse in its own words.
 */
export function wholeInRange(typed: string, min: number, max: number, current: number): number {
  const n = Number(typed);
  return typed.trim() === '' || !Number.isFinite(n) ? current : Math.max(min, Math.min(max, Math.round(n)));
}

/**
 * The clip's own audio under Match's summary: a line of its own, begun with a capital as the lines
 * around it are (it read "the clip has its own music: …" under "1 cut (6/min) …"), with how this
 * ranking used it. `weights`: the own-music ranking's, as its toggle says them.
 */
export function clipSoundLine(s: ClipSoundtrack, weights: string, sections: boolean): string {
  const used = s.ranked ? `; ranked by ${weights}` : s.kind === 'music' ? `; not used by this ranking${sections ? '' : ' (tick “Also by its own music”)'}` : '';
  const line = `${soundtrackLine(s)}${used}`;
  return line.charAt(0).toUpperCase() + line.slice(1);
}
