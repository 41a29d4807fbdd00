/** Plain-text renderings for terminals: match results, curated lists, retrieval tables, progress. */
import { FOLDER_SKIPS } from '../../electron/engine/service';
import { oneLine, percent, recallIsTrivial, recallText, standing, trackLabel } from '../../electron/contract/wording';
import { shortRangeNote } from '../../electron/contract/clip-range';
import { soundtrackLine, tempTrackWeights, tempTrackWhyLine } from '../../electron/contract/temp-track';
import type { ClipMatch, CuratedTrack, FitView, MatchWhy, ProgressEvent, RankedClip, RankedTrack } from '../../electron/contract/types';

/** "Artist – Title", else the file name, on one line: the contract's rule, so the app's rows read the same (review R2.7). */
export { trackLabel };

export const seconds = (s: number): string => `${s.toFixed(1)} s`;

/** The why as one line of numbers: pace ↔ tempo, energy ↔ motion, mood ↔ brightness. */
export function whyLine(w: MatchWhy): string {
  // The shot length the beats per cut come from (the header's cuts/min is a count: review R3.1); no fit is no verdict (R3.6).
  const shot = w.pace.shotSeconds === null ? 'no cuts' : `shots of ${w.pace.shotSeconds.toFixed(2)} s`;
  const pace = `pace ${shot} vs ${w.pace.bpm ?? '?'} BPM (${w.pace.label}, ${w.pace.fit === null ? 'no verdict' : `fit ${w.pace.fit.toFixed(2)}`})`;
  const energy = `energy ${w.energy.energy.toFixed(2)} vs motion ${w.energy.motion.toFixed(2)} (fit ${w.energy.fit.toFixed(2)})`;
  const mood = `mood ${w.mood.valence.toFixed(2)} vs brightness ${w.mood.brightness.toFixed(2)} (fit ${w.mood.fit.toFixed(2)})`;
  return `${pace} · ${energy} · ${mood}`;
}

const bpmText = (bpm: number | null): string => (bpm === null ? '? BPM' : `${bpm.toFixed(0)} BPM`);

/**
 * The standing first ("top 10 %" of the ranked tracks, "2nd of 3" in a small library: true on any media), then the model's
 * calibrated confidence ("<1 %" … ">99 %", "–" without a calibration), which is fitted on
 * synthetic test pairs (docs/cli-match.md, "The fit").
 */
export function fitText(f: FitView): string {
  return `${standing(f).padStart(10)}  confidence ${f.basis === 'calibrated' ? percent(f.value).padStart(5) : '    –'}`;
}

/** Printed under a calibrated list, so the confidence is not read as a verdict on the music. */
export function confidenceNote(on: FitView['calibratedOn']): string {
  return on === 'edits'
    ? "confidence: the model's, calibrated on your held-out edits (docs/cli-match.md#the-fit)"
    : "confidence: the model's, calibrated on synthetic test pairs; on real media it follows the clip and the track length more than the pair (docs/cli-match.md#the-fit)";
}

export function resultLines(r: RankedTrack, opts: { path?: boolean; mark?: string } = {}): string[] {
  return [
    `${String(r.rank).padStart(3)}. ${fitText(r.fit)}  score ${r.score.toFixed(3)}  @ ${seconds(r.offset).padStart(7)}  ${bpmText(r.track.bpm).padStart(7)}  ${r.track.key.padEnd(9)} ${trackLabel(r.track)}${opts.mark ?? ''}`,
    `       why: ${whyLine(r.why)}`,
    ...(r.why.tempTrack ? [`       temp track: ${tempTrackWhyLine(r.why.tempTrack)}`] : []),
    ...(opts.path === false ? [] : [`       ${oneLine(r.track.path)}`]),
  ];
}

export function clipHeader(c: RankedClip, label = c.file): string {
  const s = c.summary;
  return `${label} [${c.start.toFixed(1)}–${c.end.toFixed(1)} s]: ${s.cuts} cuts (${s.cutsPerMin.toFixed(1)}/min), motion ${s.motion.toFixed(2)}, brightness ${s.brightness.toFixed(2)}`;
}

/**
 * Why a section has no track, from how many the other sections were given: without --allow-repeats
 * a track is suggested once, and a section is left out only when every track on offer went to a
 * section it fits at least as well (search/sections.ts).
 */
export function noTrackWhy(givenElsewhere: number): string {
  if (givenElsewhere === 0) return 'no track to offer: every catalogued track is near-silent or its file is not there';
  const tracks = givenElsewhere === 1 ? 'the one track on offer went' : `all ${givenElsewhere} tracks on offer went`;
  return `no track left for this section: ${tracks} to sections they fit at least as well, and a track is suggested once; --allow-repeats ranks each section on its own`;
}

/** A clip's ranking (or each of its sections') as text lines. */
/**
 * The clip's own sound in one line: ranked by (with the weights), or said, with `ownMusicHint` (how this
 * front asks for the temp-track ranking) where the clip has music the ranking did not use (review R3.8).
 */
export function soundtrackNote(m: ClipMatch, ownMusicHint?: string): string | null {
  const s = m.soundtrack;
  if (!s) return null;
  const weights = m.results.find((r) => r.why.tempTrack)?.why.tempTrack;
  if (s.ranked && weights) return `${soundtrackLine(s)}; ranked by ${tempTrackWeights(weights)}`;
  if (s.kind === 'music' && !m.sections && ownMusicHint) return `${soundtrackLine(s)}; not used by this ranking (${ownMusicHint} ranks by it too)`;
  return s.kind === 'music' ? `${soundtrackLine(s)}; not used by this ranking` : soundtrackLine(s);
}

export function formatClipMatch(m: ClipMatch, opts: { ownMusicHint?: string } = {}): string[] {
  const lines = [clipHeader(m)];
  const sound = soundtrackNote(m, opts.ownMusicHint);
  if (sound) lines.push(`  sound: ${sound}`);
  if (m.partial) lines.push(`  warning: decoding stopped early (${m.partial}); ranked on what was decoded`);
  if (m.shortRange && !m.sections) lines.push(`  note: ${shortRangeNote(m.shortRange)}`);
  const lists = m.sections
    ? m.sections.map((s, i) => ({ head: clipHeader(s, `  section ${i + 1}`), short: s.shortRange, list: s.results }))
    : [{ head: '', short: undefined, list: m.results }];
  for (const { head, short, list } of lists) {
    if (head) lines.push(head);
    if (short) lines.push(`    note: ${shortRangeNote(short)}`);
    if (list.length === 0) lines.push(`     (${noTrackWhy(lists.reduce((n, l) => n + l.list.length, 0))})`);
    for (const r of list) lines.push(...resultLines(r));
  }
  const calibrated = lists.flatMap(({ list }) => list).find((r) => r.fit.basis === 'calibrated');
  if (calibrated) lines.push(`  ${confidenceNote(calibrated.fit.calibratedOn)}`);
  return lines;
}

/** A curated list (similar tracks, a playlist), one line per track. */
export function curatedLines(tracks: CuratedTrack[]): string[] {
  return tracks.map((t) => {
    const target = t.target !== undefined ? `  energy ${t.track.energy.toFixed(2)} (asked ${t.target.toFixed(2)})` : '';
    return `${String(t.position).padStart(3)}. ${t.score.toFixed(3)}  ${bpmText(t.track.bpm).padStart(7)}  ${t.track.key.padEnd(9)} ${trackLabel(t.track)}${target}  ${oneLine(t.track.path)}`;
  });
}

interface DirectionNumbers {
  recall1: number;
  recall5: number;
  recall10: number;
  medianRank: number;
  mapAtR: number;
  /** Items each query was ranked against (train/eval's DirectionReport). */
  gallery?: number;
}

const RECALL_KS = [1, 5, 10] as const;

/** The JSON form of the same rule: a trivial Recall@K is null, beside the gallery that makes it so. */
export function withTrivialRecallNull<T extends DirectionNumbers>(d: T): Omit<T, 'recall1' | 'recall5' | 'recall10'> & Record<'recall1' | 'recall5' | 'recall10', number | null> {
  const out: Omit<T, 'recall1' | 'recall5' | 'recall10'> & Record<'recall1' | 'recall5' | 'recall10', number | null> = { ...d };
  for (const k of RECALL_KS) if (recallIsTrivial(k, d)) out[`recall${k}`] = null;
  return out;
}

/** A retrieval report for --json: in JSON as in the table, a Recall@K the gallery makes 1 whatever the ranking is no figure (null). */
export function reportJson(row: ReportRow): Omit<ReportRow, 'videoToMusic' | 'musicToVideo'> & Record<'videoToMusic' | 'musicToVideo', ReturnType<typeof withTrivialRecallNull<DirectionNumbers>>> {
  return { ...row, videoToMusic: withTrivialRecallNull(row.videoToMusic), musicToVideo: withTrivialRecallNull(row.musicToVideo) };
}
export interface ReportRow {
  method: string;
  videoToMusic: DirectionNumbers;
  musicToVideo: DirectionNumbers;
}

/** Retrieval reports as a Markdown table (the README and docs paste it as it is). */
export function formatReports(reports: readonly ReportRow[]): string {
  const head = '| method | v→m R@1 | v→m R@5 | v→m R@10 | v→m med rank | v→m MAP@R | m→v R@1 | m→v R@5 | m→v R@10 | m→v med rank | m→v MAP@R |';
  const sep = '|' + ' --- |'.repeat(11);
  const side = (d: DirectionNumbers): string => `${RECALL_KS.map((k) => recallText(k, d[`recall${k}`], d)).join(' | ')} | ${d.medianRank} | ${d.mapAtR.toFixed(3)}`;
  const rows = reports.map((r) => `| ${r.method} | ${side(r.videoToMusic)} | ${side(r.musicToVideo)} |`);
  return [head, sep, ...rows].join('\n');
}

export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--:--';
  const r = Math.round(s);
  const h = Math.floor(r / 3600);
  const m = Math.floor((r % 3600) / 60);
  const ss = String(r % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Count, then: at the end the time it took (and the rate when it means something); on the way
 * the rate and ETA once the engine has one (a rate from one file is noise), else the time elapsed
 * (always, for a count without a total).
 */
export function progressStats(p: Pick<ProgressEvent, 'done' | 'total' | 'rate' | 'eta' | 'elapsed'>): string {
  const perMin = `${(p.rate * 60).toFixed(1)}/min`;
  // A count with no total (a playlist's order smoothed round by round, until none helps): no end to measure against.
  if (p.total === 0 && p.done > 0) return `${p.done} ${formatDuration(p.elapsed)} elapsed`;
  if (p.done >= p.total) return `${p.done}/${p.total} in ${formatDuration(p.elapsed)}${p.rate > 0 ? ` (${perMin})` : ''}`;
  if (p.rate > 0) return `${p.done}/${p.total} ${perMin} ETA ${formatDuration(p.eta)}`;
  return `${p.done}/${p.total} ${formatDuration(p.elapsed)} elapsed`;
}

/** One terminal line (to be written after a carriage return), at most `width` characters. */
export function formatProgressBar(p: ProgressEvent, width = 80): string {
  const tail = ` ${progressStats(p)}`;
  const head = `${p.phase} `;
  const barWidth = Math.max(10, width - head.length - tail.length - 2);
  const filled = p.total > 0 ? Math.min(barWidth, Math.round((p.done / p.total) * barWidth)) : 0;
  return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, width);
}

/** A log line for non-terminals, naming the item just finished when there is one. */
export function formatProgressLine(p: ProgressEvent): string {
  return `${p.phase}: ${progressStats(p)}${p.item ? ` ${oneLine(p.item)}` : ''}`;
}

/** Training progress: step, loss, learning rate, validation Recall@10 (or MRR, on a validation split of 10 or fewer). */
export function formatTrainProgress(p: ProgressEvent): string {
  const m = p.metrics ?? {};
  const val =
    m.valRecall10 !== undefined
      ? ` val R@10 ${m.valRecall10.toFixed(3)} (best ${(m.bestRecall10 ?? 0).toFixed(3)})`
      : m.valMrr !== undefined
        ? ` val MRR ${m.valMrr.toFixed(3)}${m.valMargin !== undefined ? ` margin ${m.valMargin.toFixed(3)}` : ''} (best ${(m.bestMrr ?? 0).toFixed(3)})`
        : '';
  const tau = m.temperature !== undefined ? ` τ ${m.temperature.toFixed(3)}` : '';
  return `step ${p.done}/${p.total} loss ${(m.loss ?? NaN).toFixed(4)} lr ${(m.lr ?? 0).toExponential(2)}${tau} ${p.rate > 0 ? `${p.rate.toFixed(1)} steps/s ETA ${formatDuration(p.eta)}` : `${formatDuration(p.elapsed)} elapsed`}${val}`;
}

/**
 * What `index` ignored, by kind: another path to a file already catalogued (a link, an overlapping
 * root) is counted apart — those are audio, not "files that are not audio" (review R20) — and so
 * are folders (review S12.12: folders named x.mp4 and dir.ogg were "2 files that are not audio").
 * The keys are --json's `ignoredCounts`; the lines are the text output's.
 */
const IGNORED_KINDS = [
  { key: 'alreadyCatalogued', is: (r: string) => r.startsWith('the same file as '), one: 'file already catalogued under another path', many: 'files already catalogued under another path' },
  { key: 'foldersNamedLikeAudio', is: (r: string) => r === FOLDER_SKIPS.namedLikeAudio, one: 'folder named like an audio file: scanned as a folder', many: 'folders named like audio files: scanned as folders' },
  { key: 'hiddenFolders', is: (r: string) => r === FOLDER_SKIPS.hidden, one: 'hidden folder not scanned', many: 'hidden folders not scanned' },
  { key: 'folderLinks', is: (r: string) => r === FOLDER_SKIPS.link, one: 'link to a folder not followed', many: 'links to folders not followed' },
  { key: 'dataFolder', is: (r: string) => r === FOLDER_SKIPS.dataFolder, one: "data folder not scanned (Needledrop's own files)", many: "data folders not scanned (Needledrop's own files)" },
  { key: 'notAudio', is: () => true, one: 'file that is not audio ignored', many: 'files that are not audio ignored' },
] as const;

export type IgnoredKind = (typeof IGNORED_KINDS)[number]['key'];

/** How many of each kind `ignored` holds (every kind, 0 when absent). */
export function ignoredCounts(ignored: ReadonlyArray<{ reason: string }>): Record<IgnoredKind, number> {
  const counts = Object.fromEntries(IGNORED_KINDS.map((k) => [k.key, 0])) as Record<IgnoredKind, number>;
  for (const i of ignored) counts[(IGNORED_KINDS.find((k) => k.is(i.reason)) ?? IGNORED_KINDS[IGNORED_KINDS.length - 1]).key]++;
  return counts;
}

/** `index`'s text lines for what it ignored, one per kind present. */
export function ignoredLines(ignored: ReadonlyArray<{ reason: string }>): string[] {
  const counts = ignoredCounts(ignored);
  return IGNORED_KINDS.flatMap((k) => {
    const n = counts[k.key];
    return n ? [`${n} ${n === 1 ? k.one : k.many}`] : [];
  });
}
