/** Shot cuts that land on a downbeat: the count editors mean by "the cut hits the beat". */

/** How near a downbeat a cut must be to count as a hit, seconds (either side). */
export const HIT_TOLERANCE = 0.05;

/** Is any value of ascending `sorted` within `tolerance` of `t`? */
export function hasNear(sorted: ArrayLike<number>, t: number, tolerance: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t - tolerance) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] <= t + tolerance + 1e-9;
}

/** How many of `cuts` have a downbeat within `tolerance` seconds (both in output time). */
export function countHits(cuts: number[], downbeats: number[], tolerance = HIT_TOLERANCE): number {
  const d = [...downbeats].sort((a, b) => a - b);
  return cuts.filter((c) => hasNear(d, c, tolerance)).length;
}
