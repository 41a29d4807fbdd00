/**
 * CMX 3600 EDL: the clip on V, the remix on A, and the track's kept ranges on A2 (each splice a
 * cut, so an editor can re-cut from the original). Timecode is non-drop-frame at the clip's rate,
 * the record side starting at 01:00:00:00 as editors expect. Reel names are at most 8
 * characters; the files go in "* FROM CLIP NAME:" and "* SOURCE FILE:" comments (relative paths).
 *
 * CMX 3600 is a line format of ASCII fields. The event lines are ours (fixed reels, timecode), so
 * no name can shift a column; the title is folded to printable ASCII. The comments keep the names
 * exactly (é, 日本: Resolve and Premiere relink by the clip name, so a folded one would not match
 * the file) but on one line: a file name may hold a line break, and its rest must not be read as
 * an event (a clip named "x\n005  EVIL …" added an event to the list).
 */
import { timecode, toFrames } from './timecode';
import type { HandoffTimeline } from './timeline';

export const RECORD_START_HOURS = 1;

interface Event {
  reel: string;
  channel: 'V' | 'A' | 'A2';
  srcIn: number;
  srcOut: number;
  recIn: number;
  recOut: number;
  file: string;
  name: string;
}

/** Event lines in the fixed CMX 3600 columns: "NNN  REEL____ CH___ C        SRCIN SRCOUT RECIN RECOUT". */
function line(n: number, e: Event, tc: (f: number) => string): string {
  return `${String(n).padStart(3, '0')}  ${e.reel.padEnd(8)} ${e.channel.padEnd(5)} ${'C'.padEnd(8)} ${tc(e.srcIn)} ${tc(e.srcOut)} ${tc(e.recIn)} ${tc(e.recOut)}`;
}

/** Control characters (line breaks above all) and Unicode's line and paragraph separators as spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/**
 * A file name for a comment: as it is when it holds no control character (what editors relink by);
 * otherwise on one line with those characters and "%" percent-encoded, so the comment still names the
 * file exactly, as FCPXML's URL does (second review T7: a line break folded to a space named no file).
 */
export function commentName(text: string): string {
  if (oneLine(text) === text) return text;
  return text.replace(/[%\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => encodeURIComponent(c));
}

/** Printable ASCII: accents dropped (é → e), dashes and quotes as their ASCII kin, anything else "_". */
export function asciiFold(text: string): string {
  return oneLine(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[^\x20-\x7e]/gu, '_');
}

/** The TITLE field: printable ASCII, at most 70 characters. */
const TITLE_CHARS = 70;

export function edl(t: HandoffTimeline): string {
  const r = t.rate;
  const f = (s: number): number => toFrames(s, r);
  const rec0 = RECORD_START_HOURS * 3600 * Math.round(r.num / r.den);
  const total = f(t.plan.duration);
  const events: Event[] = [
    { reel: 'CLIP', channel: 'V', srcIn: f(t.clip.in), srcOut: f(t.clip.in) + total, recIn: rec0, recOut: rec0 + total, file: t.clip.path, name: t.clip.name },
    { reel: 'REMIX', channel: 'A', srcIn: 0, srcOut: total, recIn: rec0, recOut: rec0 + total, file: t.remix.path, name: t.remix.name },
  ];
  // Record boundaries rounded once, so the A2 events tile the record side without gaps.
  const ratio = t.plan.tempoRatio;
  const ranges = t.plan.ranges;
  ranges.forEach((g, i) => {
    const recIn = f(g.outputStart);
    const recOut = i + 1 < ranges.length ? f(ranges[i + 1].outputStart) : total;
    if (recOut <= recIn) return;
    const srcIn = f(g.sourceStart);
    // Source frames played = record frames × tempo ratio; at ratio 1 they are equal.
    const srcOut = srcIn + Math.round((recOut - recIn) * ratio);
    events.push({ reel: 'TRACK', channel: 'A2', srcIn, srcOut, recIn: rec0 + recIn, recOut: rec0 + recOut, file: t.track.path, name: t.track.name });
  });
  const tc = (n: number): string => timecode(n, r);
  const out = [`TITLE: ${asciiFold(t.title).slice(0, TITLE_CHARS).trimEnd()}`, 'FCM: NON-DROP FRAME', ''];
  events.forEach((e, i) => {
    out.push(line(i + 1, e, tc), `* FROM CLIP NAME: ${commentName(e.name)}`, `* SOURCE FILE: ${commentName(e.file)}`, '');
  });
  return out.join('\n');
}
