/**
 * Edited fit plans: the user moves a splice on the timeline, or an app sends a whole plan to
 * render. Pure functions on the track's grid:
 * - `replanWithSplices`: the splices (track seconds left and entered, on beats) decide the plan;
 *   the kept ranges between them are recomputed back from the fixed end, the first range takes
 *   whatever length is left, so the output lasts exactly the target; scores are recomputed.
 * - `moveSplice`: one splice moved by whole beats (both its points, so the bar position is kept).
 * - `planFromRanges`: strict validation of an explicit plan (ranges inside the track, splices on
 *   beats within 20 ms, length = target within one frame) into a complete plan.
 */
import { inputError } from '../errors';
import { round } from '../util/round';
import { completePlan } from './plan';
import type { SpliceScorer } from './splices';
import type { EndMode, FitPlan, KeptRange, Splice, TrackGrid } from './types';

/** How far a splice point may be from a beat of the grid (seconds). */
export const BEAT_TOLERANCE = 0.02;
/** The tempo change a plan may carry (as the planner's fallback). */
const MAX_TEMPO_CHANGE = 0.03;

export interface SpliceEdit {
  /** Track seconds left (the out point) and entered (the in point), each on a beat. */
  from: number;
  to: number;
}

export interface ReplanSpec {
  /** Output length, seconds. */
  target: number;
  /** Track seconds the last kept range ends at (the ending's ring-out, or a phrase end). */
  end: number;
  endMode: EndMode;
  tempoRatio: number;
  /** In output order. */
  splices: SpliceEdit[];
}

const ms = (x: number): string => `${Math.round(x * 1000)} ms`;
const sec = (x: number): string => `${x.toFixed(3)} s`;

function typicalBeat(g: TrackGrid): number {
  const gaps = g.beats.slice(1).map((b, i) => b - g.beats[i]).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0.5;
}

/** Index of the beat nearest `t` (beats ascending). */
export function nearestBeat(beats: readonly number[], t: number): number {
  let lo = 0;
  let hi = beats.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (beats[mid] <= t) lo = mid;
    else hi = mid;
  }
  return Math.abs(beats[hi] - t) < Math.abs(beats[lo] - t) ? hi : lo;
}

/** The beat index of a splice point, or a clear error when it is not on a beat. */
function onBeat(g: TrackGrid, t: number, what: string): number {
  const k = nearestBeat(g.beats, t);
  const off = Math.abs(g.beats[k] - t);
  if (!(off <= BEAT_TOLERANCE + 1e-9)) {
    throw inputError(g.file, `the edited plan's ${what} (${sec(t)}) is ${ms(off)} from the nearest beat (${sec(g.beats[k])}): splices must be on beats within ${ms(BEAT_TOLERANCE)}`);
  }
  return k;
}

function checkTempo(g: TrackGrid, ratio: number): void {
  if (!(Math.abs(ratio - 1) <= MAX_TEMPO_CHANGE + 1e-9)) throw inputError(g.file, `the edited plan's tempo ratio ${ratio} is outside 1 ± ${MAX_TEMPO_CHANGE}`);
}

/** Splices between consecutive ranges, scored, at the output time the next range starts. */
function splicesBetween(g: TrackGrid, scorer: SpliceScorer, ranges: KeptRange[]): Splice[] {
  const out: Splice[] = [];
  for (let k = 1; k < ranges.length; k++) {
    const from = ranges[k - 1].sourceEnd;
    const to = ranges[k].sourceStart;
    const fromBeat = onBeat(g, from, `splice ${k}'s out point`);
    const toBeat = onBeat(g, to, `splice ${k}'s in point`);
    out.push({ time: round(ranges[k].outputStart, 6), from, to, fromBeat, toBeat, score: round(scorer.cost(fromBeat, toBeat), 3) });
  }
  return out;
}

/** Place ranges one after another from output 0 (lengths divided by the tempo ratio). */
function placeRanges(ranges: Array<{ sourceStart: number; sourceEnd: number }>, ratio: number): KeptRange[] {
  let out = 0;
  return ranges.map((r) => {
    const placed = { sourceStart: r.sourceStart, sourceEnd: r.sourceEnd, outputStart: out };
    out += (r.sourceEnd - r.sourceStart) / ratio;
    return placed;
  });
}

/**
 * The plan these splices make: ranges recomputed back from `end` (the last range enters at the
 * last splice's in point and plays to the end; each earlier range runs from its splice's in
 * point to the next splice's out point), the first range holding what is left of the target.
 * Every range must hold at least one beat and stay inside the track.
 */
export function replanWithSplices(g: TrackGrid, scorer: SpliceScorer, spec: ReplanSpec): FitPlan {
  if (!(spec.target > 0)) throw inputError(g.file, `the edited plan's target length must be > 0 s (got ${spec.target})`);
  checkTempo(g, spec.tempoRatio);
  if (!(spec.end > 0 && spec.end <= g.duration + 1e-3)) throw inputError(g.file, `the edited plan ends at ${sec(spec.end)}, outside the track (0–${sec(g.duration)})`);
  const beat = typicalBeat(g);
  const idx = spec.splices.map((s, i) => ({ from: onBeat(g, s.from, `splice ${i + 1}'s out point`), to: onBeat(g, s.to, `splice ${i + 1}'s in point`) }));
  const total = spec.target * spec.tempoRatio;
  const pieces: Array<{ sourceStart: number; sourceEnd: number }> = [];
  let end = spec.end;
  let used = 0;
  for (let i = idx.length - 1; i >= 0; i--) {
    const start = g.beats[idx[i].to];
    pieces.unshift({ sourceStart: start, sourceEnd: end });
    used += end - start;
    end = g.beats[idx[i].from];
  }
  const first = { sourceStart: end - (total - used), sourceEnd: end };
  pieces.unshift(first);
  pieces.forEach((p, i) => {
    const len = p.sourceEnd - p.sourceStart;
    if (len < 0.9 * beat) {
      const which = i === 0 ? 'first kept range' : `range after splice ${i}`;
      throw inputError(g.file, `the edited plan's ${which} would last ${sec(len)} (${sec(p.sourceStart)}–${sec(p.sourceEnd)}): each kept range must hold at least one beat (${sec(beat)})`);
    }
  });
  if (first.sourceStart < -1e-9) {
    throw inputError(g.file, `the edited plan would start ${sec(-first.sourceStart)} before the track's start: move a splice so less of the track is skipped`);
  }
  first.sourceStart = Math.max(0, round(first.sourceStart, 6));
  const ranges = placeRanges(pieces, spec.tempoRatio);
  return completePlan(g, ranges, splicesBetween(g, scorer, ranges), { target: spec.target, endMode: spec.endMode, ratio: spec.tempoRatio });
}

/** The splices of `plan` with splice `index` moved by `beats` whole beats (out and in point alike). */
export function moveSplice(g: TrackGrid, plan: FitPlan, index: number, beats: number): ReplanSpec {
  const s = plan.splices[index];
  if (!s) throw inputError(g.file, `the plan has no splice ${index + 1} (it has ${plan.splices.length})`);
  const n = g.beats.length;
  const from = s.fromBeat + beats;
  const to = s.toBeat + beats;
  if (from < 0 || to < 0 || from >= n || to >= n) throw inputError(g.file, `splice ${index + 1} cannot move ${beats} beats: it would leave the track`);
  return {
    target: plan.duration,
    end: plan.ranges[plan.ranges.length - 1].sourceEnd,
    endMode: plan.endMode,
    tempoRatio: plan.tempoRatio,
    splices: plan.splices.map((x, i) => (i === index ? { from: g.beats[from], to: g.beats[to] } : { from: x.from, to: x.to })),
  };
}

export interface ExplicitPlan {
  ranges: Array<{ sourceStart: number; sourceEnd: number; outputStart?: number }>;
  endMode?: EndMode;
  tempoRatio?: number;
}

/**
 * Check an explicit plan against the track and the target and complete it: ranges inside the
 * track, splice points on beats within 20 ms, output starts (when given) where the ranges
 * before them end, and the total length equal to the target within one frame.
 */
export function planFromRanges(g: TrackGrid, scorer: SpliceScorer, plan: ExplicitPlan, o: { target: number; fps: number }): FitPlan {
  const ratio = plan.tempoRatio ?? 1;
  checkTempo(g, ratio);
  if (plan.ranges.length === 0) throw inputError(g.file, 'the edited plan has no kept ranges');
  const frame = 1 / o.fps;
  plan.ranges.forEach((r, i) => {
    if (!(r.sourceStart >= 0 && r.sourceEnd > r.sourceStart && r.sourceEnd <= g.duration + 1e-3)) {
      throw inputError(g.file, `the edited plan's range ${i + 1} (${sec(r.sourceStart)}–${sec(r.sourceEnd)}) is not a span inside the track (0–${sec(g.duration)})`);
    }
  });
  const ranges = placeRanges(plan.ranges, ratio);
  plan.ranges.forEach((r, i) => {
    if (r.outputStart !== undefined && Math.abs(r.outputStart - ranges[i].outputStart) > frame) {
      throw inputError(g.file, `the edited plan's range ${i + 1} starts at output ${sec(r.outputStart)} but the ranges before it last ${sec(ranges[i].outputStart)}`);
    }
  });
  const last = ranges[ranges.length - 1];
  const length = last.outputStart + (last.sourceEnd - last.sourceStart) / ratio;
  if (Math.abs(length - o.target) > frame + 1e-9) {
    throw inputError(g.file, `the edited plan lasts ${sec(length)} but the clip needs ${sec(o.target)} (they must agree within one frame, ${ms(frame)})`);
  }
  const endMode: EndMode = plan.endMode ?? (g.hasEnding && Math.abs(last.sourceEnd - g.end) < 0.5 ? 'ending' : 'phrase');
  return completePlan(g, ranges, splicesBetween(g, scorer, ranges), { target: o.target, endMode, ratio });
}
