/** Shot cuts that land on a downbeat: the count editors mean by "the cut hits the beat". */
import { HIT_TOLERANCE } from './plan';

/** How many of `cuts` have a downbeat within `tolerance` seconds (both in output time). */
export function countHits(cuts: number[], downbeats: number[], tolerance = HIT_TOLERANCE): number {
  const d = [...downbeats].sort((a, b) => a - b);
  let hits = 0;
  for (const c of cuts) {
    let lo = 0;
    let hi = d.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d[mid] < c - tolerance) lo = mid + 1;
      else hi = mid;
    }
    if (lo < d.length && d[lo] <= c + tolerance + 1e-9) hits++;
  }
  return hits;
}
