/**
 * A clip file (optionally an in/out range of it) → what the matcher takes: video descriptors →
 * 8 s segment windows → the model's video encoder → unit embeddings, plus the clip's cut times
 * and summary (motion, brightness) for the beat/cut term and the "why".
 *
 * Two cut lists, each for one purpose (review T5: the screen said "7 shot cuts" under the clip and
 * "6 cuts" over its ranking). `cuts` are the clip's shot cuts found on its own frames
 * (features/shot-cuts.ts, what the Match screen marks) inside the range: every cut a user is shown
 * (the count, cuts/min and the why's pace, section boundaries) comes from them. `analysisCuts` are
 * the 10 fps descriptors' cuts: they stay inside the score's beat term only, which the match
 * calibrations were fitted on (app/match-calibration.ts scores cached descriptors, not files).
 */
import type { EncoderSession } from '../encoders/runtime';
import { openModelSide } from '../models/open';
import type { ProviderRequest } from '../encoders/providers';
import { segmentWindows } from '../encoders/segments';
import { cutsInside, tooShortReason, tooShortToMatch } from '../../contract/clip-range';
import { inputError, usageError } from '../errors';
import { checkClipRange, pictureSeconds, resolveRange } from '../features/range';
import { stepCount, VIDEO_SPEC } from '../features/spec';
import type { FeatureSeq } from '../features/types';
import { stat } from 'node:fs/promises';
import { detectShotCuts, type ShotCutCache, type ShotCuts } from '../features/shot-cuts';
import { extractVideoFrom } from '../features/video';
import { probe, videoStream, type MediaInfo } from '../media/probe';
import { loadModel, type RegistryOptions } from '../models/registry';
import type { ClipQuery, ClipSummary } from '../search/types';
import { columnMean, motionLevel } from './scales';

export interface ClipRange {
  /** Seconds from the file start (default 0). */
  start?: number;
  /** Seconds from the file start (default: the end of the file). */
  end?: number;
}

/** A clip's (or a section's) video descriptors; times relative to the clip start unless said. */
export interface ClipAnalysis {
  file: string;
  /** Where the analysed range starts in the file (s). */
  start: number;
  /** Seconds of the clip's range: what was asked, cut at the file's end (the last 0.5 s row may be partly past it). */
  duration: number;
  /** Video FeatureSeq (0.5 s rows); `seq.start` is in file time. */
  seq: FeatureSeq;
  /** The clip's frame-accurate shot cuts inside the range (contract cutsInside), seconds from the clip start: what is shown. */
  cuts: number[];
  /** The 10 fps descriptors' cuts, seconds from the clip start: only for the score's beat term (see the top of this file). */
  analysisCuts: number[];
  /** Set when decoding stopped early: the cause (the clip is matched on what was decoded). */
  partial?: string;
  /** The clip's probe (analyzeClip's): its sound is decoded without probing the file again. */
  info?: MediaInfo;
}

/** A cut within this much of a section's first row is its boundary, not a cut inside it. */
const BOUNDARY_EPS = 0.05;

export function checkRange(range: ClipRange): { start: number; duration?: number } {
  const start = range.start ?? 0;
  if (!(start >= 0)) throw usageError(`the start must be ≥ 0, got ${start}`);
  if (range.end === undefined) return { start };
  if (!(range.end > start)) throw usageError(`the end (${range.end}) must be after the start (${start})`);
  return { start, duration: range.end - start };
}

/** A range the model cannot judge is refused, naming the clip, the range and the minimum (contract/clip-range.ts). */
export function checkJudgeable(file: string, start: number, seconds: number, whole: boolean): void {
  if (!tooShortToMatch(seconds)) return;
  const what = whole && start === 0 ? 'the clip' : `the range ${start.toFixed(3)}–${(start + seconds).toFixed(3)} s`;
  throw inputError(file, `${what} ${tooShortReason(seconds)}; choose a longer range`);
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
  /** Where the clip's shot cuts are kept (the app's engine: one detection shared with the player's markers and a fit). */
  shotCuts?: ShotCutCache;
  /** The analyses a match session keeps: a range inside a kept one is sliced from it (no probe, no decode), and what is decoded is kept. */
  kept?: ClipAnalysisCache;
}

/** A clip's analysis as decoded, with the shot-cut detection it was cut from. */
interface KeptAnalysis {
  /** The file's size and modification time when analysed: a changed file is analysed again. */
  key: string;
  clip: ClipAnalysis;
  shots: ShotCuts;
}

/** An asked start this close to a kept row's start is on the kept rows' grid (float seconds from the range arithmetic). */
const GRID_EPS = 1e-3;

/**
 * The clips' picture analyses, kept per file (a match session holds one): a re-rank of the same clip
 * (the app's Match screen: an option toggled, sections, the same range, another range inside it that
 * starts on its 0.5 s rows) slices the kept rows and cuts, with the kept probe, as ClipSoundCache
 * (temp-track.ts) does the sound. The same range is the kept analysis itself. A range starting
 * between the kept rows is decoded again: a slice would start up to a quarter step from the In asked,
 * and the ranking's start, offsets and feedback are the In's. A partial decode is not kept.
 */
export class ClipAnalysisCache {
  private readonly kept = new Map<string, KeptAnalysis>();
  constructor(private readonly capacity = 8) {}

  /** The file's current key, and its kept analysis when the file is unchanged since; undefined when it cannot be read (the probe says why). */
  async lookup(file: string): Promise<{ key: string; held?: KeptAnalysis } | undefined> {
    const st = await stat(file).catch(() => undefined);
    if (!st) return undefined;
    const key = `${st.size}\0${st.mtimeMs}`;
    const held = this.kept.get(file);
    return held?.key === key ? { key, held } : { key };
  }

  keep(file: string, entry: KeptAnalysis): void {
    this.kept.delete(file);
    this.kept.set(file, entry);
    if (this.kept.size > this.capacity) this.kept.delete(this.kept.keys().next().value as string);
  }
}

/**
 * [start, start + expected] of a kept analysis, when it lies inside it and starts on its rows: as many
 * rows as a decode of the range gives (stepCount of its frames), its duration by analyzeClip's rule,
 * the shot cuts inside it from the kept detection (exact there: features/shot-cuts.ts span). Else null.
 */
function keptRange(kept: KeptAnalysis, start: number, expected: number): ClipAnalysis | null {
  const whole = kept.clip;
  const { seq } = whole;
  const from = Math.round((start - seq.start) / seq.step);
  if (from < 0 || Math.abs(seq.start + from * seq.step - start) > GRID_EPS) return null;
  const rows = stepCount(Math.round(expected * VIDEO_SPEC.fps), Math.round(VIDEO_SPEC.fps * seq.step));
  if (from + rows > seq.T || start + expected > whole.start + whole.duration + GRID_EPS) return null;
  if (from === 0 && rows === seq.T && Math.abs(expected - whole.duration) <= GRID_EPS) return whole;
  const part = seqRows(seq, from, from + rows);
  const covered = rows * seq.step;
  const duration = Math.abs(expected - covered) < seq.step ? expected : Math.min(expected, covered);
  const offset = part.start - whole.start;
  return {
    file: whole.file,
    start: part.start,
    duration,
    seq: part,
    cuts: cutsInside(kept.shots.cuts, part.start, part.start + duration, kept.shots.fps).map((c) => c - part.start),
    analysisCuts: whole.analysisCuts.map((c) => c - offset).filter((c) => c > BOUNDARY_EPS && c < duration),
    ...(whole.info ? { info: whole.info } : {}),
  };
}

/** Decode a clip's video (first moving-picture stream) in the range and describe it; find its shot cuts on its own frames alongside. */
export async function analyzeClip(file: string, range: ClipRange = {}, opts: AnalyzeOptions = {}): Promise<ClipAnalysis> {
  const r = checkRange(range);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const found = opts.kept ? await opts.kept.lookup(file) : undefined;
  // A kept analysis of the unchanged file: its probe, and the range's rows when they are inside it.
  const info = found?.held?.clip.info ?? (await probe(file, signal));
  if (!videoStream(info)) throw inputError(file, 'has no video stream');
  // The range against the picture, by the rule fit and export apply too (review R2.3: an end past it was clamped here).
  checkClipRange(file, info, r.start, range.end);
  const resolved = await resolveRange(file, { ...r, ...signal, info });
  // Too short to judge is said before decoding, the range cut at the picture's end (review R2.4: a start
  // in the last frame read "no video frames could be decoded").
  checkJudgeable(file, r.start, Math.min(resolved.expected, pictureSeconds(info) - r.start), range.end === undefined);
  const sliced = found?.held ? keptRange(found.held, r.start, resolved.expected) : null;
  if (sliced) {
    checkJudgeable(file, sliced.start, sliced.duration, range.end === undefined);
    return sliced;
  }
  // Only the range's cuts are shown: a CLI match decodes the range (and the frames its detection
  // reads) again, not the whole film; the app's engine reuses the markers' whole detection when done.
  const shotOpts = { info: resolved.info, ...signal, range: { start: r.start, end: r.start + resolved.expected } };
  const [{ seq, summary }, shots] = await Promise.all([
    extractVideoFrom(resolved, signal),
    opts.shotCuts ? opts.shotCuts.get(file, shotOpts) : detectShotCuts(file, shotOpts),
  ]);
  // The rows are whole 0.5 s steps, the last one dropped or padded; the range reported is the clip's
  // (review S6: 9.64 s read 9.5, --end 3.3 read 3.5). A picture that ends a step or more early (a
  // failed decode, a short video stream under longer audio) reports what the rows cover.
  const rows = seq.T * seq.step;
  const duration = Math.abs(resolved.expected - rows) < seq.step ? resolved.expected : Math.min(resolved.expected, rows);
  // A picture that stopped early can still leave too little to judge.
  checkJudgeable(file, seq.start, duration, range.end === undefined);
  const clip: ClipAnalysis = {
    file,
    start: seq.start,
    duration,
    seq,
    cuts: cutsInside(shots.cuts, seq.start, seq.start + duration, shots.fps).map((c) => c - seq.start),
    analysisCuts: summary.cuts.map((c) => c - seq.start).filter((c) => c > BOUNDARY_EPS),
    ...(summary.partial ? { partial: summary.partial.cause } : {}),
    info: resolved.info,
  };
  // A range inside the kept span that starts between its rows leaves the wider span kept.
  const within = found?.held && found.held.clip.start <= clip.start && clip.start + clip.duration <= found.held.clip.start + found.held.clip.duration + GRID_EPS;
  if (found && opts.kept && !clip.partial && !within) opts.kept.keep(file, { key: found.key, clip, shots });
  return clip;
}

/** Rows [from, to) of a descriptor sequence, its start moved with them (a view: no copy). */
export function seqRows(seq: FeatureSeq, from: number, to: number): FeatureSeq {
  return { ...seq, T: to - from, start: seq.start + from * seq.step, data: seq.data.subarray(from * seq.D, to * seq.D) };
}

/** Rows [from, to) of a clip as a clip of its own (a section): no decoding. */
export function sliceClip(clip: ClipAnalysis, from: number, to: number): ClipAnalysis {
  const { seq } = clip;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= seq.T && from < to)) {
    throw new RangeError(`section rows [${from}, ${to}) outside the clip's ${seq.T} rows`);
  }
  const offset = from * seq.step;
  // The last section ends where the clip does, not on the row grid.
  const duration = to === seq.T ? clip.duration - offset : (to - from) * seq.step;
  return {
    file: clip.file,
    start: clip.start + offset,
    duration,
    seq: seqRows(seq, from, to),
    cuts: clip.cuts.filter((c) => c - offset > BOUNDARY_EPS && c < offset + duration).map((c) => c - offset),
    analysisCuts: clip.analysisCuts.filter((c) => c - offset > BOUNDARY_EPS && c < offset + duration).map((c) => c - offset),
    ...(clip.partial ? { partial: clip.partial } : {}),
    ...(clip.info ? { info: clip.info } : {}),
  };
}

/** Pace and mood of a clip on the app's scales: motion (scales.motionLevel) and mean luma. */
export function clipSummary(clip: ClipAnalysis): ClipSummary {
  const { seq } = clip;
  return {
    duration: clip.duration,
    cuts: clip.cuts,
    motion: motionLevel(columnMean(seq.data, seq.names, seq.D, 'motion')),
    brightness: columnMean(seq.data, seq.names, seq.D, 'luma_mean'),
  };
}

/** The video encoder of one model version, with the segment geometry it was trained on. */
export interface ClipEncoder {
  version: string;
  /** Execution provider in use (cpu, cuda, dml, coreml). */
  provider: string;
  fallbackReason?: string;
  /** Seconds of picture one segment of the encoder reads (window rows × the descriptors' step): 8 s for base. */
  segmentSeconds: number;
  embed(clip: ClipAnalysis, signal?: AbortSignal): Promise<ClipQuery>;
  close(): Promise<void>;
}

/** Open the video encoder of `version` (default: the active model), checked against this build's video spec. */
export async function openClipEncoder(
  opts: { version?: string; provider?: ProviderRequest; log?: (m: string) => void; registry?: RegistryOptions } = {},
): Promise<ClipEncoder> {
  const model = await loadModel({ ...opts.registry, ...(opts.version ? { version: opts.version } : {}), expectedSpec: { video: VIDEO_SPEC.version } });
  const { window, hop } = model.manifest;
  const session: EncoderSession = await openModelSide(model, 'video', { provider: opts.provider ?? 'auto', ...(opts.log ? { log: opts.log } : {}) });
  return {
    version: model.manifest.version,
    provider: session.provider,
    ...(session.fallbackReason ? { fallbackReason: session.fallbackReason } : {}),
    segmentSeconds: window * VIDEO_SPEC.step,
    async embed(clip, signal) {
      const segs = segmentWindows(clip.seq, { window, hop });
      const embeddings = await session.embed(segs.data, segs.n, signal ? { signal } : {});
      return { embeddings, cuts: clip.analysisCuts, firstStart: segs.starts[0] - clip.seq.start };
    },
    close: () => session.close(),
  };
}
