/**
 * How a match's numbers are worded, shared by both fronts (the app and the CLI) so they never
 * disagree: a calibrated confidence as a percentage and a standing as "top x %" (or "2nd of 3").
 */

/** A 0..1 share as a whole percentage; the ends say "<1 %" and ">99 %" rather than claim 0 or 100. */
export function percent(share: number): string {
  if (share < 0.005) return '<1 %';
  if (share > 0.995) return '>99 %';
  return `${Math.round(share * 100)} %`;
}

/** rank / n as "top x %": two significant digits below 1 % (big libraries), else whole percent. */
export function topPercent(top: number): string {
  const p = top * 100;
  return `top ${p >= 1 ? Math.round(p) : Number(p.toPrecision(2))} %`;
}

/**
 * Below this many ranked tracks the standing is said as a place ("2nd of 3"), not a share: each
 * place moves the share by more than 5 points there, so "top 34 %" or "top 100 %" reads as a
 * measurement where there is only an order.
 */
export const STANDING_AS_SHARE_FROM = 20;

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * A track's standing among the `of` tracks ranked for a clip (`top` = rank / of): "only track"
 * alone, "2nd of 3" in a small library, else "top x %".
 */
export function standing(fit: { top: number; of: number }): string {
  if (fit.of <= 1) return 'only track';
  if (fit.of < STANDING_AS_SHARE_FROM) return `${ordinal(Math.round(fit.top * fit.of))} of ${fit.of}`;
  return topPercent(fit.top);
}

/**
 * Recall@K of pair retrieval (one true item per query) says nothing once K is more than half the
 * gallery (the items each query is ranked against): ranking at random already scores K / N there,
 * above 0.5, and 1 from K = N on (review R1.13: R@5 over a gallery of 6 read 1.000 beside base's
 * 0.455 over 398, for a version at chance). Such a figure is "n/a", on every front (RECALL_NA_RULE).
 * False when the gallery is not known.
 */
export function recallIsTrivial(k: number, d: { gallery?: number }): boolean {
  return d.gallery !== undefined && 2 * k > d.gallery;
}

/** The n/a rule of recallIsTrivial in words, as the CLI and the Train screen say it beside their tables. */
export const RECALL_NA_RULE = 'Recall@K is n/a where K is more than half the gallery (at random it scores K / gallery, above 0.5)';

/** Recall@K to three places, or "n/a (gallery of N)" when the gallery makes it trivial (recallIsTrivial). */
export function recallText(k: number, value: number, d: { gallery?: number }): string {
  return recallIsTrivial(k, d) ? `n/a (gallery of ${d.gallery})` : value.toFixed(3);
}

/** A retrieval report's figures, one direction (train/eval's DirectionReport). */
export interface RetrievalFigures {
  recall1: number;
  recall5: number;
  recall10: number;
  medianRank: number;
  mapAtR: number;
  gallery: number;
}

/**
 * What ranking at random scores, on average, in pair retrieval (one true item per query) over a
 * gallery of `n`: Recall@K = min(K, n) / n, median rank (n + 1) / 2, MAP@R (R = 1: the true item
 * first) 1 / n. The row a small test split's figures are read against (review R1.13).
 */
export function chanceFigures(n: number): RetrievalFigures {
  const recall = (k: number): number => Math.min(k, n) / n;
  return { recall1: recall(1), recall5: recall(5), recall10: recall(10), medianRank: (n + 1) / 2, mapAtR: 1 / n, gallery: n };
}

/** chanceFigures in both directions, as a retrieval report named "chance (N pairs)". */
export function chanceReport(n: number): { method: string; videoToMusic: RetrievalFigures; musicToVideo: RetrievalFigures } {
  return { method: `chance (${n} pairs)`, videoToMusic: chanceFigures(n), musicToVideo: chanceFigures(n) };
}

/**
 * A fine-tune's parent and new version are compared on the held-out edits only from this many
 * held-out sources on (videos of the edits folder, or clips judged on the Match screen). With one,
 * every held-out window has the same soundtrack: ranking a window's own music among them asks
 * which moment of one song goes with which moment of its own video, which a fine-tune does not
 * train for (windows of one video are each other's positives), so before/after figures there
 * measure nothing (both read chance: R@1 0.200 on the 5 windows of shared/media's chaplin).
 */
export const MIN_HELD_OUT_EDITS = 2;

/**
 * A held-out source (edit or judged clip) counts towards MIN_HELD_OUT_EDITS from this many windows
 * on: 10 s of pictures at the default 1 s hop (review R1.5: 13 windows of one edit and 2 of a judged
 * clip were compared as two sources, the 2 windows — one 9 s fragment seen twice — standing for a
 * whole source). Shorter ones are left out of the before/after and named in the reason.
 */
export const MIN_HELD_OUT_WINDOWS = 3;

/**
 * From this many usable edits on, a fine-tune holds out at least MIN_HELD_OUT_EDITS of them (and
 * trains on as many): train/edits.ts splitVideos moves the lowest hashes to the held-out side.
 */
export const SURE_HELD_OUT_FROM = 2 * MIN_HELD_OUT_EDITS;

/** How a held-out split of `edits` sources counts: "1 held-out edit". */
const heldOutEdits = (edits: number): string => `${edits} held-out edit${edits === 1 ? '' : 's'}`;

/** In a table cell, where a too small held-out split's Recall@K would be: "n/a (1 held-out edit, 2 needed)". */
export function heldOutNotComparedText(edits: number): string {
  return `n/a (${heldOutEdits(edits)}, ${MIN_HELD_OUT_EDITS} needed)`;
}

/**
 * Why a fine-tune's parent and new version are not compared on its held-out edits, and what to do
 * (the job's result, model.json, the CLI and the Train screen all carry this one text). `share`:
 * the share of usable edits the split holds out (train/edits.ts HELD_OUT_SHARE); `names`: the held-out files.
 */
export function heldOutTooFew(edits: number, share: number, names: readonly string[] = [], short: ReadonlyArray<{ name: string; windows: number }> = []): string {
  const tooShort = short.length > 0 ? `; held out but too short to count (fewer than ${MIN_HELD_OUT_WINDOWS} windows, about 10 s of pictures): ${short.map((s) => `${s.name} (${s.windows} window${s.windows === 1 ? '' : 's'})`).join(', ')}` : '';
  return `not compared: only ${heldOutEdits(edits)}${names.length > 0 ? ` (${names.join(', ')})` : ''}, and a comparison needs at least ${MIN_HELD_OUT_EDITS}${edits === 1 ? ' (its windows all share one soundtrack, so there is no other music to rank against)' : ' (there is no held-out music to rank against)'}${tooShort}. About ${Math.round(share * 100)} % of the usable edits are held out, chosen by a hash of each file's path, and at least ${MIN_HELD_OUT_EDITS} once ${SURE_HELD_OUT_FROM} are usable: add finished edits to the folder (${SURE_HELD_OUT_FROM} usable edits are enough)`;
}

/**
 * A saved time (an ISO string, UTC) in the user's local time, "2026-12-01 13:34", as the Train
 * screen's default version name is: one clock on every front. `seconds` adds ":23"; `zone` adds
 * the offset ("-05:00") where the reader cannot assume it (a terminal's table). An unparsable
 * value is returned as written.
 */
export function localTime(iso: string, opts: { seconds?: boolean; zone?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  const time = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}${opts.seconds ? `:${p(d.getSeconds())}` : ''}`;
  if (!opts.zone) return time;
  // getTimezoneOffset is minutes behind UTC (300 in New York in winter).
  const ahead = -d.getTimezoneOffset();
  return `${time} ${ahead < 0 ? '-' : '+'}${p(Math.floor(Math.abs(ahead) / 60))}:${p(Math.abs(ahead) % 60)}`;
}

/**
 * video→music Recall@10 of an evaluation report in model.json (train/eval's MethodReport shape),
 * as text: "n/a (gallery of N)" when the gallery makes it 1 whatever the ranking.
 */
function recall10Of(report: unknown): string | undefined {
  const d = (report as { videoToMusic?: { recall10?: unknown; gallery?: unknown } } | null | undefined)?.videoToMusic;
  const r = d?.recall10;
  if (typeof r !== 'number' || !Number.isFinite(r)) return undefined;
  return recallText(10, r, { gallery: typeof d?.gallery === 'number' ? d.gallery : undefined });
}

/**
 * How many items a score was computed over, when the report records it and the figure is a real
 * one: a Recall@10 over 11 test pairs is not comparable with one over hundreds (review S1).
 * Reports saved before session 17 record no gallery, and get nothing.
 */
function overText(report: unknown, unit: string): string {
  const g = (report as { videoToMusic?: { gallery?: unknown } } | null | undefined)?.videoToMusic?.gallery;
  return typeof g === 'number' && !recallIsTrivial(10, { gallery: g }) ? ` over ${g} ${unit}` : '';
}

/**
 * A model version's video→music Recall@10 as its model.json records it. model.json nests its
 * evaluations: `train` writes test → videoToMusic → recall10 (the shipped base too), a fine-tune
 * writes evaluations → heldOut → {before, after} (its parent and itself on the same held-out
 * edits), or {before: null, after: null, edits} when it held out too few edits to compare them
 * ("n/a (1 held-out edit, 2 needed)"). Undefined when neither is there.
 */
export function modelRecall10(metrics: Record<string, unknown>): { on: 'test' | 'held-out edits'; value: string; parent?: string; over: string; notCompared?: true } | undefined {
  const test = recall10Of(metrics.test);
  if (test !== undefined) return { on: 'test', value: test, over: overText(metrics.test, 'test pairs') };
  const heldOut = (metrics.evaluations as { heldOut?: { before?: unknown; after?: unknown; edits?: unknown } } | null | undefined)?.heldOut;
  // Too few held-out edits to compare (MIN_HELD_OUT_EDITS): the version records no figures, and says how many it had.
  if (heldOut?.after === null && typeof heldOut.edits === 'number') return { on: 'held-out edits', value: heldOutNotComparedText(heldOut.edits), over: '', notCompared: true };
  const after = recall10Of(heldOut?.after);
  if (after === undefined) return undefined;
  const parent = recall10Of(heldOut?.before);
  return { on: 'held-out edits', value: after, ...(parent !== undefined ? { parent } : {}), over: overText(heldOut?.after, 'windows') };
}

/** A model version's headline figure (`models list`'s METRICS, the Train screen's versions table): modelHeadline. */
export interface ModelHeadline {
  on: 'test' | 'held-out edits';
  /** Recall@10; Recall@1 where Recall@10 is n/a (recallIsTrivial) on a gallery the report records. */
  metric: 'R@10' | 'R@1';
  value: string;
  /** The same figure of the model read against on the same queries: a fine-tune's parent, a corpus run's reference (its parent, or the version active when it trained). */
  against?: { label: string; value: string };
  /** Recall@1 at random over the gallery (1 / gallery), beside a Recall@1 headline. */
  chance?: string;
  /** " over 398 test pairs": what it was scored on, when the report records it. */
  over: string;
  /** Too few held-out edits to compare: `value` says how many and how many are needed. */
  notCompared?: true;
}

type Direction = { recall1?: unknown; recall10?: unknown; gallery?: unknown } | undefined;
const v2m = (report: unknown): Direction => (report as { videoToMusic?: Direction } | null | undefined)?.videoToMusic;
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);

/** One report's headline figure and what it is over (`unit` of the gallery, or a phrase of its own). */
function figureOf(report: unknown, against: { label: string; report: unknown } | null, over: (gallery: number) => string): Omit<ModelHeadline, 'on'> | undefined {
  const d = v2m(report);
  const r10 = finite(d?.recall10);
  if (r10 === undefined) return undefined;
  const gallery = count(d?.gallery);
  // Recall@10 says nothing on this gallery: Recall@1 with its chance instead (review R1.15).
  const metric = gallery !== undefined && recallIsTrivial(10, { gallery }) && finite(d?.recall1) !== undefined ? 'R@1' : 'R@10';
  const k = metric === 'R@1' ? 1 : 10;
  const text = (r: unknown): string | undefined => {
    const dir = v2m(r);
    const v = finite(metric === 'R@1' ? dir?.recall1 : dir?.recall10);
    const g = count(dir?.gallery);
    return v === undefined ? undefined : recallText(k, v, { gallery: g });
  };
  const theirs = against ? text(against.report) : undefined;
  return {
    metric,
    value: text(report) as string,
    ...(against && theirs !== undefined ? { against: { label: against.label, value: theirs } } : {}),
    ...(metric === 'R@1' && gallery !== undefined ? { chance: (1 / gallery).toFixed(3) } : {}),
    over: gallery !== undefined ? over(gallery) : '',
  };
}

/**
 * A model version's headline as its model.json records it: v→m Recall@10 with what it is over
 * (review R1.15: base's 0.658 was given without its 398 test pairs), or Recall@1 with its chance
 * where Recall@10 is n/a. `train` writes test (and, since session 20, the reference model scored on
 * the same test pairs); a fine-tune writes evaluations → heldOut → {before, after}, or before/after
 * null with `edits` when it held out too few edits to compare. Undefined when none is there.
 * Base's model.json records its gallery (398), added by hand to the figures it was saved with.
 */
export function modelHeadline(metrics: Record<string, unknown>): ModelHeadline | undefined {
  const reference = metrics.reference as { method?: unknown } | null | undefined;
  const test = figureOf(metrics.test, reference && typeof reference.method === 'string' ? { label: reference.method, report: reference } : null, (g) => ` over ${g} test pairs`);
  if (test) return { on: 'test', ...test };
  const heldOut = (metrics.evaluations as { heldOut?: { before?: unknown; after?: unknown; edits?: unknown; windows?: unknown } } | null | undefined)?.heldOut;
  // Too few held-out edits to compare (MIN_HELD_OUT_EDITS): the version records no figures, and says how many it had.
  if (heldOut?.after === null && typeof heldOut.edits === 'number') return { on: 'held-out edits', metric: 'R@10', value: heldOutNotComparedText(heldOut.edits), over: '', notCompared: true };
  const windows = count(heldOut?.windows);
  // Scored by source (session 19 on): the windows are the queries, the gallery the held-out soundtracks; before, every window was its own.
  const after = figureOf(heldOut?.after, { label: 'parent', report: heldOut?.before }, (g) => (windows !== undefined ? ` over ${windows} windows against ${g} soundtracks` : ` over ${g} windows`));
  return after ? { on: 'held-out edits', ...after } : undefined;
}

/** A headline's figure and what it is read against: "R@1 0.167 (active base 0.333, chance 0.167) over 6 test pairs". */
export function headlineFigure(h: ModelHeadline): string {
  if (h.notCompared) return h.value;
  const beside = [...(h.against ? [`${h.against.label} ${h.against.value}`] : []), ...(h.chance !== undefined ? [`chance ${h.chance}`] : [])];
  return `${h.metric} ${h.value}${beside.length > 0 ? ` (${beside.join(', ')})` : ''}${h.over}`;
}

/**
 * One line for a model version's figures (`models list`'s METRICS): its headline (modelHeadline),
 * else its first top-level numbers, as written.
 */
export function headline(metrics: Record<string, unknown>): string {
  const h = modelHeadline(metrics);
  if (h) return `${h.on === 'test' ? '' : `${h.on} `}v→m ${h.notCompared ? `R@10 ${h.value}` : headlineFigure(h)}`;
  return Object.entries(metrics)
    .filter((kv): kv is [string, number] => typeof kv[1] === 'number')
    .slice(0, 3)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(' ');
}

/** How a training run ended: the steps run and the step kept, and whether early stopping ended it. */
export function runEnding(r: { bestStep: number; stepsRun: number; stoppedEarly: boolean; resumedAt: number | null }): string {
  const resumed = r.resumedAt !== null ? `resumed at step ${r.resumedAt}, ` : '';
  return r.stoppedEarly ? `${resumed}stopped early at step ${r.stepsRun}, kept step ${r.bestStep}` : `${resumed}${r.stepsRun} steps, kept step ${r.bestStep}`;
}

/** The engine's job phases (ProgressEvent.phase ids) as a person reads them. */
const PHASE_NAMES: Readonly<Record<string, string>> = {
  hash: 'Reading files',
  analyze: 'Analysing audio',
  production: 'Measuring production',
  embed: 'Embedding tracks',
  embedding: 'Embedding tracks',
  vectors: 'Reading vectors',
  rerank: 'Re-ranking the music space',
  umap: 'Laying out the map',
  place: 'Placing tracks',
  corpus: 'Rendering the corpus',
  features: 'Computing features',
  checkpoint: 'Checkpoint',
  train: 'Training',
  evaluate: 'Evaluating',
  'benchmark-render': 'Rendering the base benchmark',
  'benchmark-features': "Computing the base benchmark's features",
  match: 'Matching',
  index: 'Indexing',
  cuts: 'Finding cuts',
  fit: 'Fitting',
  export: 'Exporting',
  pick: 'Choosing tracks',
  order: 'Smoothing the order',
};

/** A job phase's readable name; a phase not listed here is shown as the engine names it. */
export function phaseName(phase: string): string {
  return PHASE_NAMES[phase] ?? phase;
}

/** Why a fine-tune on Match feedback alone cannot start (the engine's refusal, the Train screen's tooltip). */
export const NO_JUDGEMENTS = 'no judgements recorded yet: accept or reject tracks on the Match screen, or pick a folder of finished edits';

/** A size on disk as the screens and the CLI say it: "812 B", "3.4 MB", "120 MB" (1024-based). */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * What breaks a line of a listing, moves a terminal's cursor or turns the rest of the line round:
 * C0 and C1 controls, DEL, U+2028/U+2029, and the bidirectional marks, embeddings, overrides and
 * isolates (U+200E/U+200F, U+202A–U+202E, U+2066–U+2069; review R3.7: a file name with U+202E
 * showed the rest of its line reversed).
 */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` for one line of a listing: each character `chars` matches shown escaped — \n, \r, \t, else
 * \xNN (below U+0100) or \uNNNN — so a title or a file name with a line break stays one entry
 * (review R1.4). A backslash itself is shown as \\, so every escape reads back as one text only (a
 * name holding a real "\n" is not the one with a line break; review R3.7). The scan shows the bytes
 * of a name that is not UTF-8 the same way.
 */
export function oneLine(text: string, chars: RegExp = CONTROL_CHARS): string {
  return text.replace(/\\/g, '\\\\').replace(chars, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * How every front names a track: "Artist – Title", either alone, else the file name, as the tags
 * have it. Where a name is kept (a playlist's default name, built from its tracks' names) it stays
 * so: each front escapes a saved name where it shows it (review R3.7). Shown, it is trackLabel.
 */
export function trackText(t: { artist: string | null; title: string | null; path: string }): string {
  const artist = t.artist?.trim() ? t.artist : null;
  const title = t.title?.trim() ? t.title : null;
  if (artist && title) return `${artist} – ${title}`;
  return artist || title || fileNameOf(t.path);
}

/**
 * A track's name (trackText) on one line (oneLine: control characters and direction marks shown
 * escaped). The CLI's lists, the M3U's #EXTINF and the app's rows read the same (review R2.7: two
 * tracks with one title looked like one repeated track in the app; R2.8: a U+202E in a title turned
 * the app's text round).
 */
export function trackLabel(t: { artist: string | null; title: string | null; path: string }): string {
  return oneLine(trackText(t));
}

/** The last part of a path: split at "/", or at "\\" for a path that has only backslashes (Windows); a POSIX name may hold a backslash. */
function fileNameOf(path: string): string {
  const sep = path.includes('/') ? '/' : '\\';
  return path.slice(path.lastIndexOf(sep) + 1) || path;
}

/** A playlist shorter than asked, because the library offers no more for it (the app's Explore and the CLI). */
export function shortPlaylistNote(got: number, asked: number): string {
  return `${got} of the ${asked} asked: all the library offers for it`;
}

/** Seconds as the CLI writes a time: "119.78 s". */
export const secondsText = (s: number): string => `${s.toFixed(2)} s`;

/** Where the track is heard in an export, in seconds of the output: after `lead` of silence, for `audible`; the output lasts `duration`. */
export interface SoundtrackSpan {
  duration: number;
  lead: number;
  audible: number;
  /** A plain export's Out point (`--end`), where the track is cut off if it has not ended before. */
  outPoint?: number;
}

/**
 * What an export leaves silent, one wording for the CLI and the app (review R2.6: the app said
 * nothing of the 7:38 of silence after a 2:00 track under a 9:38 clip): "silence until the track
 * begins at 2.00 s" and "the track ends at 119.78 s; 458.62 s of silence after it" (or "the Out point
 * stops the track at …" when the Out point, not the track's end, ends what is heard), joined by ", ";
 * empty when the track is heard to the end. `time` writes a time: the CLI's seconds, the app's clock.
 */
export function exportSilence(s: SoundtrackSpan, time: (seconds: number) => string = secondsText): string {
  const parts: string[] = [];
  if (s.lead > 0) parts.push(`silence until the track begins at ${time(s.lead)}`);
  const end = s.lead + s.audible;
  // Less than a hundredth short is the encoder's rounding, not silence.
  if (end < s.duration - 0.01) {
    // Heard up to the Out point: the Out point stops it, the track goes on (review S19: it read "the track ends at").
    const stops = s.outPoint !== undefined && end >= s.outPoint - 0.01 ? `the Out point stops the track at ${time(end)}` : `the track ends at ${time(end)}`;
    parts.push(`${stops}; ${time(s.duration - end)} of silence after it`);
  }
  return parts.join(', ');
}

/**
 * The span a plain export will have, said before it runs: the track at `offset` at clip time
 * `start` (silent before its own start), heard until it or the clip ends, by export's rule
 * (media/export.ts: lead = start − offset when positive, audible = the shorter of what is left of
 * each), from the lengths the clip and the catalog state. With an Out point `end` the track is
 * heard from `start` (at `offset` there) to `end` only (review R2.13).
 */
export function plainExportSpan(clipSeconds: number, trackSeconds: number, offset: number, start: number, end?: number): SoundtrackSpan {
  const lead = end === undefined ? Math.max(0, start - offset) : start;
  const from = end === undefined ? Math.max(0, offset - start) : offset;
  return { duration: clipSeconds, lead, audible: Math.max(0, Math.min(Math.min(end ?? clipSeconds, clipSeconds) - lead, trackSeconds - from)) };
}
