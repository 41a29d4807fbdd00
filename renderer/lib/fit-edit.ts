/**
 * The Match screen's fit timeline, as pure functions: the splices a move asks the engine to
 * re-plan with, where in the track the remix is at an output time (for the preview's one clock),
 * and which cuts land on downbeats.
 */
import type { FitPlanView, FitRangeView } from '../../electron/contract/types';

/** A cut counts as hit when a downbeat is this close (the engine's tolerance). */
export const HIT_TOLERANCE_S = 0.05;

/** The splices of `plan` with splice `index` moved by `beats` beats of the fit's grid (null when it would leave the grid). */
export function movedSplices(plan: FitPlanView, beatTimes: readonly number[], index: number, beats: number): Array<{ from: number; to: number }> | null {
  const s = plan.splices[index];
  if (!s) return null;
  const from = beatTimes[s.fromBeat + beats];
  const to = beatTimes[s.toBeat + beats];
  if (from === undefined || to === undefined) return null;
  return plan.splices.map((x, i) => (i === index ? { from, to } : { from: x.from, to: x.to }));
}

/** The kept range playing at output time `t` (the last one past the end). */
export function rangeAt(plan: FitPlanView, t: number): FitRangeView {
  let at = plan.ranges[0];
  for (const r of plan.ranges) if (r.outputStart <= t + 1e-9) at = r;
  return at;
}

/**
 * The offset (track time at output 0) that puts the track where the remix is at output `t`:
 * inside one kept range the track plays straight, so the preview's follower needs only this
 * (a fallback tempo change of at most 3 % is heard in the export, not in the preview).
 */
export function offsetAt(plan: FitPlanView, t: number): number {
  const r = rangeAt(plan, t);
  return r.sourceStart - r.outputStart;
}

/** Output seconds where a range ends. */
export const rangeEnd = (plan: FitPlanView, r: FitRangeView): number => r.outputStart + (r.sourceEnd - r.sourceStart) / plan.tempoRatio;

/** Which cuts (output seconds) have a downbeat within the tolerance. */
export function hitCuts(cuts: readonly number[], downbeats: readonly number[], tolerance = HIT_TOLERANCE_S): boolean[] {
  return cuts.map((c) => downbeats.some((d) => Math.abs(d - c) <= tolerance + 1e-9));
}

/** Whole beats a drag of `seconds` moves a splice by, for the beat length around it. */
export function beatsFor(seconds: number, beatSeconds: number): number {
  return beatSeconds > 0 ? Math.round(seconds / beatSeconds) : 0;
}

/** The track's beat length at a splice (the gap after its out point). */
export function beatAt(beatTimes: readonly number[], beatIndex: number): number {
  const a = beatTimes[beatIndex];
  const b = beatTimes[beatIndex + 1] ?? beatTimes[beatIndex - 1];
  return a !== undefined && b !== undefined ? Math.abs(b - a) : 0.5;
}
