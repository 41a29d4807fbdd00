/**
 * What a clip range is for matching, shared by the engine and the fronts: which shot cuts lie
 * inside a range. docs/cli-match.md, "Ranges and cuts".
 */

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
