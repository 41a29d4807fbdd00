/**
 * Hard cuts from frame-to-frame histogram distances: a frame starts a new shot when its distance
 * to the previous frame is large in absolute terms and stands out from its neighbours (so a fast
 * pan or a flicker, which keep the distance high throughout, does not count).
 */
export function detectCuts(dist: ArrayLike<number>, threshold: number, contrast: number, radius = 5): number[] {
  const n = dist.length;
  const cuts: number[] = [];
  for (let i = 1; i < n; i++) {
    const d = dist[i];
    if (d < threshold) continue;
    let sum = 0;
    let m = 0;
    for (let j = Math.max(1, i - radius); j <= Math.min(n - 1, i + radius); j++) {
      if (j === i) continue;
      sum += dist[j];
      m++;
    }
    const around = m ? sum / m : 0;
    if (d < contrast * around + 0.01) continue;
    // Two cuts on adjacent frames (a flash, a one-frame shot): keep the stronger.
    const last = cuts[cuts.length - 1];
    if (last !== undefined && i - last < 2) {
      if (d > dist[last]) cuts[cuts.length - 1] = i;
      continue;
    }
    cuts.push(i);
  }
  return cuts;
}
