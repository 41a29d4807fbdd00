/**
 * What a clip range is for matching, shared by the engine (which enforces it) and the fronts (which
 * say it before sending a request): which shot cuts lie inside a range, the shortest range the
 * model can judge, and how a short range is worded. docs/cli-match.md, "Ranges and cuts".
 */

/**
 * The shortest range a match ranks music for, in seconds: what makes five of the analysis's 0.5 s
 * descriptor rows (25 frames at its 10 fps; a trailing part row counts when at least half of it is
 * there, as the descriptors count rows: features/spec.ts stepCount). The video encoder reads a
 * segment of 16 rows (8 s) through two temporal convolutions of width 3, so each of its outputs
 * sees five rows; with fewer rows no output sees the range's own picture alone, every one is partly
 * its last row held over the padding (encoders/segments.ts). Below it the ranking is the padding's.
 */
export const MIN_MATCH_SECONDS = 2.25;

/** Rounding slack for ranges typed or taken from a player's clock (3 → 5.25 is 2.25 s, not 2.2499…). */
const SLACK = 1e-6;

/** Whether a range of `seconds` is too short for the model to judge. */
export function tooShortToMatch(seconds: number): boolean {
  return seconds < MIN_MATCH_SECONDS - SLACK;
}

/** Why a range is not matched, after what it is ("the range 3.0–3.2 s"), said the same by the engine's error and the app's in/out controls. */
export function tooShortReason(seconds: number): string {
  return `lasts ${seconds.toFixed(2)} s, too short to match: the model judges at least ${MIN_MATCH_SECONDS} s of picture (five of its 0.5 s analysis steps)`;
}

/** Whether a ranked range is shorter than one of the model's segments (so it was judged partly on padding). */
export function isShortRange(seconds: number, segmentSeconds: number): boolean {
  return seconds < segmentSeconds - SLACK;
}

/** What a result judged on a short range says (the CLI under its header, the app under its summary). */
export function shortRangeNote(r: { seconds: number; segmentSeconds: number }): string {
  return (
    `judged on a short range: ${r.seconds.toFixed(2)} s of picture, less than the model's ${r.segmentSeconds} s segment ` +
    '(the rest of the segment repeats its last half second), so the ranking says less than for a longer range'
  );
}

/**
 * The shot cuts (seconds, file time) inside the range [from, to] of a clip analysed at `fps`: more
 * than half a frame after its start (a range that begins on a new shot has no cut there: its first
 * frame is simply the shot's) and before its end (a cut on the frame after the range is not seen).
 * The Match screen's count for an in–out range and a match's summary use this one rule.
 */
export function cutsInside(cuts: readonly number[], from: number, to: number, fps: number): number[] {
  const half = 0.5 / fps;
  return cuts.filter((c) => c > from + half && c < to - half);
}
