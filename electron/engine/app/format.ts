/** Plain-text renderings of match results for terminals (the CLI and the demo). */
import { basename } from 'node:path';
import type { MatchWhy } from '../search/explain';
import type { TrackView } from './library';
import type { CuratedTrack } from './curate';
import type { DemoReport } from './demo';
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

const bpmText = (bpm: number | null): string => (bpm === null ? '? BPM' : `${bpm.toFixed(0)} BPM`);

export function resultLines(r: RankedTrack, opts: { path?: boolean; mark?: string } = {}): string[] {
  return [
    `${String(r.rank).padStart(3)}. ${r.score.toFixed(3)}  @ ${seconds(r.offset).padStart(7)}  ${bpmText(r.track.bpm).padStart(7)}  ${r.track.key.padEnd(9)} ${trackLabel(r.track)}${opts.mark ?? ''}`,
    `       why: ${whyLine(r.why)}`,
    ...(opts.path === false ? [] : [`       ${r.track.path}`]),
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
    const target = t.target !== undefined ? `  energy ${t.track.energy.toFixed(2)} (asked ${t.target.toFixed(2)})` : '';
    return `${String(t.position).padStart(3)}. ${t.score.toFixed(3)}  ${bpmText(t.track.bpm).padStart(7)}  ${t.track.key.padEnd(9)} ${trackLabel(t.track)}${target}  ${t.track.path}`;
  });
}

/** The demo's table: per clip the true track's rank and the top 3 with their why, then totals. */
export function formatDemo(r: DemoReport): string[] {
  const all = r.tracks.generated + r.tracks.real;
  const lines: string[] = [];
  for (const c of r.clips) {
    lines.push(`${c.clip}  true track ${c.trueTrack}: rank ${c.trueRank} of ${all}`);
    for (const t of c.top) lines.push(...resultLines(t, { path: false, mark: basename(t.track.path) === c.trueTrack ? '   ← true track' : '' }));
  }
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  lines.push(
    '',
    `true track ranked 1st for ${pct(r.recall.at1)} of ${r.clips.length} clips, top 3 ${pct(r.recall.at3)}, top 10 ${pct(r.recall.at10)} ` +
      `(library: ${r.tracks.generated} generated tracks + ${r.tracks.real} real recordings)`,
    `model ${r.model}, provider ${r.provider}; elapsed ${r.seconds.total.toFixed(1)} s ` +
      `(generate ${r.seconds.generate.toFixed(1)} s, index ${r.seconds.index.toFixed(1)} s, match ${r.seconds.match.toFixed(1)} s)` +
      (r.kept ? `; kept in ${r.dir}` : ''),
  );
  return lines;
}
