/** Plain-text renderings of match results for terminals (the CLI and the demo). */
import { basename } from 'node:path';
import type { MatchWhy } from '../search/explain';
import type { TrackView } from './library';
import type { CuratedTrack } from './curate';
import type { ClipMatch, RankedClip, RankedTrack } from './match';

/** "Artist – Title", either alone, else the file name. */
export function trackLabel(t: Pick<TrackView, 'artist' | 'title' | 'path'>): string {
  if (t.artist && t.title) return `${t.artist} – ${t.title}`;
  return t.artist || t.title || basename(t.path);
}

export const seconds = (s: number): string => `${s.toFixed(1)} s`;

/** The why as one line of numbers: pace ↔ tempo, energy ↔ motion, mood ↔ brightness. */
export function whyLine(w: MatchWhy): string {
  const pace = `pace ${w.pace.cutsPerMin} cuts/min vs ${w.pace.bpm} BPM (${w.pace.label}, fit ${w.pace.fit.toFixed(2)})`;
  const energy = `energy ${w.energy.energy.toFixed(2)} vs motion ${w.energy.motion.toFixed(2)} (fit ${w.energy.fit.toFixed(2)})`;
  const mood = `mood ${w.mood.valence.toFixed(2)} vs brightness ${w.mood.brightness.toFixed(2)} (fit ${w.mood.fit.toFixed(2)})`;
  return `${pace} · ${energy} · ${mood}`;
}

export function resultLines(r: RankedTrack): string[] {
  const bpm = r.track.bpm === null ? '? BPM' : `${r.track.bpm.toFixed(0)} BPM`;
  return [
    `${String(r.rank).padStart(3)}. ${r.score.toFixed(3)}  @ ${seconds(r.offset).padStart(7)}  ${bpm.padStart(7)}  ${r.track.key.padEnd(9)} ${trackLabel(r.track)}`,
    `       why: ${whyLine(r.why)}`,
    `       ${r.track.path}`,
  ];
}

export function clipHeader(c: RankedClip, label = c.file): string {
  const s = c.summary;
  return `${label} [${c.start.toFixed(1)}–${c.end.toFixed(1)} s]: ${s.cuts} cuts (${s.cutsPerMin.toFixed(1)}/min), motion ${s.motion.toFixed(2)}, brightness ${s.brightness.toFixed(2)}`;
}

/** A clip's ranking (or each of its sections') as text lines. */
export function formatClipMatch(m: ClipMatch): string[] {
  const lines = [clipHeader(m)];
  if (m.partial) lines.push(`  warning: decoding stopped early (${m.partial}); ranked on what was decoded`);
  const lists = m.sections ? m.sections.map((s, i) => ({ head: clipHeader(s, `  section ${i + 1}`), list: s.results })) : [{ head: '', list: m.results }];
  for (const { head, list } of lists) {
    if (head) lines.push(head);
    if (list.length === 0) lines.push('     (no tracks left for this section)');
    for (const r of list) lines.push(...resultLines(r));
  }
  return lines;
}

/** A curated list (similar tracks, a playlist), one line per track. */
export function curatedLines(tracks: CuratedTrack[]): string[] {
  return tracks.map((t) => {
    const bpm = t.track.bpm === null ? '? BPM' : `${t.track.bpm.toFixed(0)} BPM`;
    const target = t.target !== undefined ? `  energy ${t.track.energy.toFixed(2)} (asked ${t.target.toFixed(2)})` : '';
    return `${String(t.position).padStart(3)}. ${t.score.toFixed(3)}  ${bpm.padStart(7)}  ${t.track.key.padEnd(9)} ${trackLabel(t.track)}${target}  ${t.track.path}`;
  });
}
