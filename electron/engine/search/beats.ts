/** The beat/cut term: how many of a clip's cuts land on the beats of a track at an offset. */

/** A cut "lands on" a beat when it is within this many seconds of it. */
export const BEAT_TOLERANCE = 0.08;

/** Distance from t to the nearest value of an ascending array (Infinity when empty). */
function nearestDistance(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  let best = Infinity;
  if (lo < sorted.length) best = sorted[lo] - t;
  if (lo > 0) best = Math.min(best, t - sorted[lo - 1]);
  return best;
}

/**
 * Share of cuts (clip time) that fall within ±tolerance of a beat (track time) when the track
 * plays from `offset`: cut c lands at track time offset + c. No cuts → 0: there is nothing to
 * sync, so no track earns a bonus.
 */
export function beatShare(
  cuts: ArrayLike<number>,
  beats: ArrayLike<number>,
  offset: number,
  tolerance = BEAT_TOLERANCE,
): number {
  if (cuts.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < cuts.length; i++) {
    if (nearestDistance(beats, offset + cuts[i]) <= tolerance + 1e-9) hits++;
  }
  return hits / cuts.length;
}

/**
 * How far the clip's start and its cuts land from the nearest beats at `offset`, in seconds summed
 * (0 when every one is on a beat); each distance counts up to `cap`, so a beat beyond the search's
 * reach pulls no candidate over another.
 */
function distanceToBeats(cuts: ArrayLike<number>, beats: ArrayLike<number>, offset: number, cap: number): number {
  let d = Math.min(cap, nearestDistance(beats, offset));
  for (let i = 0; i < cuts.length; i++) d += Math.min(cap, nearestDistance(beats, offset + cuts[i]));
  return d;
}

/**
 * The segment alignment only resolves offsets to the 1 s hop. Within ±window of it, find the
 * offset (on a `step` grid, never below 0) whose beat share is highest; on ties (always, for a
 * clip without cuts) the one where the clip's start and its cuts sit closest to beats, so the
 * music enters on a beat (review R25: without cuts the raw 1 s grid came back, up to 41 % into
 * a beat); then the smallest shift.
 */
export function refineOffset(
  cuts: ArrayLike<number>,
  beats: ArrayLike<number>,
  offset: number,
  window = 0.5,
  step = 0.02,
  tolerance = BEAT_TOLERANCE,
): { offset: number; beatShare: number } {
  let bestOffset = offset;
  let best = beatShare(cuts, beats, offset, tolerance);
  // A performance exit only: a track without beats has nothing to refine against.
  if (beats.length === 0) return { offset, beatShare: best };
  let bestGap = distanceToBeats(cuts, beats, offset, window);
  const steps = Math.round(window / step);
  // Visit shifts by growing |shift| so that, among equals, the first found is the smallest shift.
  for (let s = 1; s <= steps; s++) {
    for (const sign of [-1, 1]) {
      const candidate = offset + sign * s * step;
      if (candidate < 0) continue;
      const share = beatShare(cuts, beats, candidate, tolerance);
      if (share < best) continue;
      const gap = distanceToBeats(cuts, beats, candidate, window);
      if (share > best || gap < bestGap - 1e-9) {
        best = share;
        bestGap = gap;
        bestOffset = candidate;
      }
    }
  }
  return { offset: bestOffset, beatShare: best };
}
