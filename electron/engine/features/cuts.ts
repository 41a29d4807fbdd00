/**
 * Hard cuts from frame-to-frame change. Two signals, each must be large in absolute terms and
 * stand out from its neighbours (so a fast pan or a flicker, which keep the change high
 * throughout, does not count):
 * - the colour-histogram distance: shots with different colours;
 * - the mean |Δluma|: shots that share a palette but not a picture (the histogram barely moves).
 */

export interface CutThresholds {
  /** Histogram distance (L1/2, 0–1) a cut must exceed. */
  cutThreshold: number;
  /** Mean |Δluma| (0–1) a cut must exceed. */
  cutLumaThreshold: number;
  /** How many times its neighbours' mean a cut's change must be. */
  cutContrast: number;
}

/** Does `x[i]` exceed `threshold` and `contrast`× the mean of its ±radius neighbours (frame 0 excluded)? */
function standsOut(x: ArrayLike<number>, i: number, threshold: number, contrast: number, radius: number): boolean {
  const d = x[i];
  if (d < threshold) return false;
  let sum = 0;
  let m = 0;
  for (let j = Math.max(1, i - radius); j <= Math.min(x.length - 1, i + radius); j++) {
    if (j === i) continue;
    sum += x[j];
    m++;
  }
  return d >= contrast * (m ? sum / m : 0) + 0.01;
}

/** How many frames on each side a frame's change is compared with. */
export const CUT_RADIUS = 5;

/**
 * Whether frame i's change stands out enough to be a cut, before the tie-break of adjacent cuts. It
 * reads frames i − radius … i + radius (frame 0 excluded): what a detection over part of a clip
 * must hold around a frame to judge it as the whole clip's detection does (features/shot-cuts.ts).
 */
export function isCutCandidate(dist: ArrayLike<number>, lumaChange: ArrayLike<number>, t: CutThresholds, i: number, radius = CUT_RADIUS): boolean {
  return standsOut(dist, i, t.cutThreshold, t.cutContrast, radius) || standsOut(lumaChange, i, t.cutLumaThreshold, t.cutContrast, radius);
}

/**
 * Frame indices that start a new shot. `dist` and `lumaChange` are per frame (0 for frame 0). Of a
 * run of candidates on adjacent frames the tie-break keeps what the run alone decides: a frame that
 * is no candidate separates what comes before it from what comes after.
 */
export function detectCuts(
  dist: ArrayLike<number>,
  lumaChange: ArrayLike<number>,
  t: CutThresholds,
  radius = CUT_RADIUS,
  // The frame-accurate detector (transitions.ts) judges candidates against the frames that moved.
  isCandidate: (i: number) => boolean = (i) => isCutCandidate(dist, lumaChange, t, i, radius),
): number[] {
  const n = dist.length;
  const cuts: number[] = [];
  // Strength on one scale for the tie-break below: how far past its threshold each signal is.
  const strength = (i: number): number => Math.max(dist[i] / t.cutThreshold, lumaChange[i] / t.cutLumaThreshold);
  for (let i = 1; i < n; i++) {
    if (!isCandidate(i)) continue;
    // Two cuts on adjacent frames (a flash, a one-frame shot): keep the stronger.
    const last = cuts[cuts.length - 1];
    if (last !== undefined && i - last < 2) {
      if (strength(i) > strength(last)) cuts[cuts.length - 1] = i;
      continue;
    }
    cuts.push(i);
  }
  return cuts;
}
