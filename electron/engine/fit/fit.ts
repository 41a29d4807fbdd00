/**
 * Fit a track to a clip: the clip's length (or its in/out range) is the target; the track's grid
 * is analysed, a splice path planned, and optionally rendered (WAV/FLAC) and handed off
 * (FCPXML, EDL, markers CSV beside the remix). With `hits`, the clip's shot cuts (the video
 * features' cut detector) steer the path, and the result counts cuts on downbeats before and after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { inputError, usageError } from '../errors';
import { checkClipRange, pictureSeconds } from '../features/range';
import { detectShotCuts, type ShotCutCache } from '../features/shot-cuts';
import { probe, videoStream, type MediaInfo } from '../media/probe';
import type { KnownBeats } from './analyse';
import { planFromRanges, type ExplicitPlan } from './edit';
import { analyse, type AnalysedTrack, type GridCache } from './grids';
import { mediaRef, writeHandoff, type HandoffFiles } from './handoff/write';
import { checkFitOutputs, checkRemixName, handoffPaths, makeHandoffFolder, removeMadeFolders, type HandoffPaths } from './outputs';
import { frameRateOf } from './handoff/timecode';
import { countHits, HIT_TOLERANCE } from './hits';
import { planFit } from './plan';
import { renderFit, type RenderResult } from './render';
import { scoreSplices } from './splices';
import type { EndMode, FitPlan, HitReport } from './types';

export interface FitOptions {
  clip: string;
  track: string;
  /** Track seconds to start near (default: the track's start). */
  offset?: number;
  /** Clip in and out points, seconds (default: the whole video). */
  start?: number;
  end?: number;
  /** Default: the track's ending when it has one, else a phrase end. */
  endOn?: EndMode;
  /** Steer downbeats onto the clip's shot cuts. */
  hits?: boolean;
  /** Render the remix here (.wav or .flac). */
  out?: string;
  /** Write FCPXML, EDL and markers CSV into this folder (the remix too, when `out` is not given). */
  handoff?: string;
  force?: boolean;
  /** Allow a ≤ 3 % tempo change when no splice path fits (default true). */
  allowTempo?: boolean;
  /** Beats from the catalog's stored summary, to skip the tempo tracker. */
  known?: KnownBeats;
  /** Analysed tracks kept between calls (the app's engine holds one). */
  grids?: GridCache;
  /** Clips' shot cuts kept between calls (the player's markers found them already). */
  shotCuts?: ShotCutCache;
  /** Render this plan (the user's edit) instead of planning one; checked strictly against the track and the clip. */
  plan?: ExplicitPlan;
  signal?: AbortSignal;
  /** Called as the fit moves through its stages (for progress). */
  onStage?: (stage: 'analysing' | 'planning' | 'rendering' | 'handoff') => void;
}

export interface FitResult {
  clip: string;
  track: string;
  /** Output length, seconds (the clip's range). */
  target: number;
  /** The clip's frame rate. */
  fps: number;
  /** `beatTimes`: the grid's beats (track seconds), where an edited plan's splices may go. */
  grid: { bpm: number; beats: number; beatsPerBar: number; hasEnding: boolean; end: number; beatTimes: number[]; downbeatPhase: number };
  plan: FitPlan;
  hits?: HitReport;
  remix?: RenderResult;
  handoff?: HandoffFiles & { remix: string };
}

interface ClipRange {
  info: MediaInfo;
  start: number;
  end: number;
  fps: number;
  width: number;
  height: number;
  videoDuration: number;
}

async function clipRange(o: FitOptions): Promise<ClipRange> {
  const info = await probe(o.clip, o.signal ? { signal: o.signal } : {});
  const v = videoStream(info);
  if (!v) throw inputError(o.clip, 'has no video stream to fit music to');
  const videoDuration = pictureSeconds(info);
  const start = o.start ?? 0;
  if (!(start >= 0)) throw usageError(`--start must be ≥ 0 (got ${start})`);
  if (o.end !== undefined && !(o.end > start)) throw usageError(`--end must be after --start (got ${start} → ${o.end})`);
  // The rule match applies too (review R2.3); an end within its slack of the picture's end is that end.
  checkClipRange(o.clip, info, start, o.end);
  const end = Math.min(o.end ?? videoDuration, videoDuration);
  return { info, start, end, fps: v.fps ?? 25, width: v.width ?? 1920, height: v.height ?? 1080, videoDuration };
}

/** Shot cuts in output seconds (0 = the in point), on the clip's own frames. */
async function clipCuts(o: FitOptions, r: ClipRange): Promise<number[]> {
  // Only the range is searched when no whole detection is at hand (a CLI fit of part of a film).
  const opts = { info: r.info, ...(o.signal ? { signal: o.signal } : {}), range: { start: r.start, end: r.end } };
  const { cuts } = await (o.shotCuts ? o.shotCuts.get(o.clip, opts) : detectShotCuts(o.clip, opts));
  return cuts.map((c) => c - r.start).filter((c) => c > 0 && c < r.end - r.start);
}

function planOrFail(track: string, analysed: AnalysedTrack, target: number, o: FitOptions, cuts: number[]): FitPlan {
  const grid = analysed.grid;
  const cand = scoreSplices(grid, { allowBarShift: cuts.length > 0 }, analysed.scorer);
  const plan = planFit(grid, cand, {
    target,
    ...(o.offset !== undefined ? { offset: o.offset } : {}),
    ...(o.endOn ? { end: o.endOn } : {}),
    cuts,
    ...(o.allowTempo !== undefined ? { allowTempo: o.allowTempo } : {}),
  });
  if (!plan) {
    const why = o.endOn === 'phrase' || !grid.hasEnding ? 'no phrase end is reachable' : `the ending alone needs more than ${target.toFixed(2)} s`;
    throw inputError(track, `no splice path fits ${target.toFixed(3)} s (${why}; try --offset, --end-on-phrase or a longer range)`);
  }
  return plan;
}

/** The files a fit of `clip` writes: the remix (`out`, else `<clip>-fit.wav` in the hand-off folder) and the hand-off set. */
export function fitOutputs(clip: string, out: string | undefined, handoff: string | undefined): { base: string; remix?: string; handoff?: HandoffPaths } {
  const base = `${basename(clip, extname(clip))}-fit`;
  const remix = out ?? (handoff ? join(handoff, `${base}.wav`) : undefined);
  return { base, ...(remix ? { remix } : {}), ...(handoff ? { handoff: handoffPaths(handoff, base) } : {}) };
}

export async function fitTrackToClip(o: FitOptions): Promise<FitResult> {
  if (o.offset !== undefined && !(o.offset >= 0)) throw usageError(`--offset must be ≥ 0 (got ${o.offset})`);
  // What will be written is checked before any work, so a fit never ends on "cannot write" (or on a file it would replace).
  const { base, remix: out, handoff } = fitOutputs(o.clip, o.out, o.handoff);
  if (out) checkRemixName(out, o.track);
  const made = o.handoff ? await makeHandoffFolder(o.handoff) : undefined;
  try {
    await checkFitOutputs(out, handoff, o.force ?? false);
    return await fitChecked(o, base, out);
  } catch (err) {
    // A failed fit leaves no empty hand-off folder of its own making behind.
    if (o.handoff) await removeMadeFolders(o.handoff, made);
    throw err;
  }
}

async function fitChecked(o: FitOptions, base: string, out: string | undefined): Promise<FitResult> {
  const range = await clipRange(o);
  const target = range.end - range.start;
  o.onStage?.('analysing');
  const analyseOpts = { ...(o.known ? { known: o.known } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  const [analysed, cuts] = await Promise.all([
    o.grids ? o.grids.get(o.track, analyseOpts) : analyse(o.track, analyseOpts),
    o.hits || o.handoff ? clipCuts(o, range) : Promise.resolve<number[]>([]),
  ]);
  const grid = analysed.grid;
  if (o.offset !== undefined && o.offset >= grid.end) throw inputError(o.track, `--offset ${o.offset} s is at or past the music's end (${grid.end.toFixed(2)} s)`);
  o.onStage?.('planning');
  // An explicit plan is the user's: it is checked, not re-planned, and is its own "before".
  const plain = o.plan ? planFromRanges(grid, analysed.scorer, o.plan, { target, fps: range.fps }) : planOrFail(o.track, analysed, target, o, []);
  const plan = !o.plan && o.hits && cuts.length ? planOrFail(o.track, analysed, target, o, cuts) : plain;
  const result: FitResult = {
    clip: o.clip,
    track: o.track,
    target,
    fps: range.fps,
    grid: { bpm: grid.bpm, beats: grid.beats.length, beatsPerBar: grid.beatsPerBar, hasEnding: grid.hasEnding, end: grid.end, beatTimes: grid.beats, downbeatPhase: grid.downbeatPhase },
    plan,
  };
  if (o.hits || o.handoff) {
    result.hits = { cuts, before: countHits(cuts, plain.downbeats), after: countHits(cuts, plan.downbeats), toleranceSeconds: HIT_TOLERANCE };
  }
  if (out) {
    o.onStage?.('rendering');
    result.remix = await renderFit(o.track, plan, { out, ...(o.force ? { force: true } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  }
  if (o.handoff && result.remix) {
    o.onStage?.('handoff');
    const dir = o.handoff;
    const files = await writeHandoff(dir, base, {
      title: `${basename(o.clip)} — ${basename(o.track)}`,
      rate: frameRateOf(range.fps),
      clip: { ...mediaRef(dir, o.clip), in: range.start, fileDuration: range.videoDuration, width: range.width, height: range.height },
      remix: { ...mediaRef(dir, result.remix.out), sampleRate: result.remix.sampleRate, channels: result.remix.channels },
      track: mediaRef(dir, o.track),
      plan,
      cuts,
    }, o.force ?? false);
    result.handoff = { ...files, remix: result.remix.out };
  }
  return result;
}

/**
 * For `export … --fit`: the fitted remix as a temporary WAV to mux under the clip (as the track,
 * from offset 0), and a cleanup that removes it. The remix lasts exactly the clip's range.
 */
export async function renderFitForExport(
  o: Omit<FitOptions, 'out' | 'handoff' | 'force'>,
): Promise<{ remix: string; result: FitResult; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'needledrop-fit-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const { remix, ...result } = await fitTrackToClip({ ...o, out: join(dir, 'remix.wav') });
    // The result leaves the temp remix out: it is gone once the export is muxed (review R12 saw it printed).
    return { remix: remix!.out, result, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
