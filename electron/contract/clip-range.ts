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

/**
 * How far an Out point may pass the video's last frame and still be its end (taken as the end): a
 * player's clock or a rounded end ("9.64" for 9.6400…, a container that states the audio's few
 * milliseconds more) lands within it. Further out is refused, never clamped (review R2.3).
 */
export const END_SLACK = 0.05;

/** Seconds as a user typed them: 100, 2.5, 9.637 (at most 3 decimals). */
const typed = (s: number): string => String(Math.round(s * 1000) / 1000);

/**
 * Why a clip range cannot be cut from a video whose picture lasts `videoSeconds` at `fps`, or null.
 * One rule for match, fit and export (the engine enforces it; the words are the same for all three):
 * a start at or past the video's end, an end past it (beyond END_SLACK), and a range that holds no
 * whole frame of the picture. An end within the slack, or not past the file's end (`fileSeconds`: a
 * longer audio stream), is the video's end.
 */
export function rangeProblem(start: number, end: number | undefined, videoSeconds: number, fps: number, fileSeconds = videoSeconds): string | null {
  const last = videoSeconds.toFixed(3);
  if (start >= videoSeconds) return `the range's start (${typed(start)} s) is at or past the video's end (${last} s); start it before ${last} s`;
  // A player's timeline runs to the file's end, which a longer audio stream puts past the picture's:
  // an Out point set there (the app's O at the last frame) means the picture's end, not a mistake.
  if (end !== undefined && end > Math.max(videoSeconds + END_SLACK, fileSeconds)) return `the range's end (${typed(end)} s) is past the video's end (${last} s); end it at ${last} s or before`;
  const to = Math.min(end ?? videoSeconds, videoSeconds);
  const frame = 1 / fps;
  if (to - start < frame - SLACK) {
    return `the range ${start.toFixed(3)}–${to.toFixed(3)} s lasts ${(to - start).toFixed(3)} s, less than one frame of the video (${frame.toFixed(3)} s at ${typed(fps)} fps); choose a longer range`;
  }
  return null;
}

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
