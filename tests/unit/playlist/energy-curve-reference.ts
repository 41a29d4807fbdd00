/**
 * REFERENCE ONLY: energyCurve and its smoothMood as they were before the incremental rewrite
 * (electron/engine/playlist/energy-curve.ts at 6472006, review R2.10), kept verbatim so the
 * tests and scripts/bench/energy-curve.ts can check the new code gives the same playlist and
 * measure what it saves. Slow (about O(L⁴ + L³·N) per call): never use it outside tests and benches.
 */
import { dotRows } from '../../../electron/engine/search/kernels';
import { checkLength, vectorAt, whyOf } from '../../../electron/engine/playlist/entries';
import { energyTargets, type EnergyEntry, type EnergyLevel } from '../../../electron/engine/playlist/energy-curve';
import { EVERY_TRACK, slotPool, type TrackPool } from '../../../electron/engine/playlist/pool';
import type { PlaylistSpace } from '../../../electron/engine/playlist/space';

/**
 * A playlist that follows an energy curve over the tracks the pool offers (their energies give the
 * quantiles too, so a silent file neither is placed nor drags "low" down). Energy leads: the tracks
 * and their order minimise the total |energy − target| over all positions (an assignment, not a
 * slot-by-slot greedy pick, which left the last positions whatever remained: review T2). Among
 * assignments with that same total, mood continuity decides (unless `coherence` is 0): swaps and
 * replacements that keep the total lower Σ(1 − cos) between neighbours while they can.
 * score = the track's cosine to the previous pick (1 for the first; in a combined space the why
 * gives each space's cosine to the previous pick and its weight).
 */
export function referenceEnergyCurve(
  store: PlaylistSpace,
  levels: EnergyLevel[],
  length: number,
  opts: { coherence?: number; pool?: TrackPool; atMost?: boolean } = {},
): EnergyEntry[] {
  const offered = slotPool(store, opts.pool ?? EVERY_TRACK).offered;
  const energies = Array.from({ length: store.trackCount }, (_, s) => store.infoAt(s).summary.energy);
  const library = energies.filter((_, s) => offered[s]);
  length = checkLength(length, library.length, opts.atMost);
  const targets = energyTargets(library, levels, length);
  const picks = leastMissAssignment(
    energies,
    targets,
    energies.map((_, s) => s).filter((s) => offered[s]),
  );
  const vectors = store.trackVectors();
  if ((opts.coherence ?? 0.1) > 0) {
    const cosine = (a: number, b: number): number => dotRows(vectors, a, vectors, b, store.dim);
    referenceSmoothMood(picks, energies, targets, offered, cosine);
  }
  return picks.map((s, k) => {
    const prev = k === 0 ? -1 : picks[k - 1];
    return {
      trackId: store.idAt(s),
      score: prev < 0 ? 1 : dotRows(vectors, prev, vectors, s, store.dim),
      target: targets[k],
      energy: energies[s],
      ...whyOf(store, vectorAt(store, prev < 0 ? s : prev), s),
    };
  });
}

/** Total |energy − target| of the picks at their positions. */
const missOf = (picks: number[], energies: number[], targets: number[]): number => picks.reduce((sum, s, k) => sum + Math.abs(energies[s] - targets[k]), 0);

/**
 * The slots (one per target, no repeats) minimising Σ|energy − target|. In 1-D some optimal
 * matching pairs targets and chosen energies in the same rank order (uncrossing two pairs never
 * raises the sum), so a DP over both sorted lists finds it: best[i][j] = the least miss of the i
 * lowest targets using only the j lowest energies.
 */
function leastMissAssignment(energies: number[], targets: number[], candidates: number[]): number[] {
  const tracks = [...candidates].sort((a, b) => energies[a] - energies[b] || a - b);
  const slots = targets.map((_, k) => k).sort((a, b) => targets[a] - targets[b] || a - b);
  const n = tracks.length;
  const L = slots.length;
  const best = new Float64Array((L + 1) * (n + 1)).fill(Infinity);
  for (let j = 0; j <= n; j++) best[j] = 0;
  for (let i = 1; i <= L; i++) {
    for (let j = i; j <= n; j++) {
      const take = best[(i - 1) * (n + 1) + j - 1] + Math.abs(energies[tracks[j - 1]] - targets[slots[i - 1]]);
      best[i * (n + 1) + j] = Math.min(best[i * (n + 1) + j - 1], take);
    }
  }
  const picks = new Array<number>(L);
  for (let i = L, j = n; i > 0; j--) {
    if (j > i && best[i * (n + 1) + j] === best[i * (n + 1) + j - 1]) continue;
    picks[slots[i - 1]] = tracks[j - 1];
    i--;
  }
  return picks;
}

/** Totals this close count as equal (rounding, not a real difference in energy). */
const SAME_MISS = 1e-9;

/**
 * Lower Σ(1 − cos) between neighbours by swapping two positions or replacing a pick with an
 * unused offered track, only when the total energy miss stays at its least (best first move,
 * until none helps).
 */
export function referenceSmoothMood(picks: number[], energies: number[], targets: number[], offered: ArrayLike<number>, cosine: (a: number, b: number) => number): void {
  const least = missOf(picks, energies, targets);
  const away = (seq: number[]): number => seq.reduce((sum, s, k) => (k === 0 ? 0 : sum + 1 - cosine(seq[k - 1], s)), 0);
  const used = new Set(picks);
  let current = away(picks);
  for (let round = 0; round < 10 * picks.length; round++) {
    let bestSeq: number[] | undefined;
    let bestAway = current - 1e-12;
    const consider = (seq: number[]): void => {
      if (missOf(seq, energies, targets) > least + SAME_MISS) return;
      const a = away(seq);
      if (a < bestAway) [bestSeq, bestAway] = [seq, a];
    };
    for (let a = 0; a < picks.length; a++) {
      for (let b = a + 1; b < picks.length; b++) {
        const sa = picks[a];
        const sb = picks[b];
        // Cheap test first: a swap that changes the miss is never taken.
        if (Math.abs(energies[sa] - targets[b]) + Math.abs(energies[sb] - targets[a]) > Math.abs(energies[sa] - targets[a]) + Math.abs(energies[sb] - targets[b]) + SAME_MISS) continue;
        const seq = [...picks];
        [seq[a], seq[b]] = [sb, sa];
        consider(seq);
      }
      for (let u = 0; u < offered.length; u++) {
        if (!offered[u] || used.has(u)) continue;
        if (Math.abs(energies[u] - targets[a]) > Math.abs(energies[picks[a]] - targets[a]) + SAME_MISS) continue;
        const seq = [...picks];
        seq[a] = u;
        consider(seq);
      }
    }
    if (!bestSeq) return;
    for (let k = 0; k < picks.length; k++) picks[k] = bestSeq[k];
    used.clear();
    for (const s of picks) used.add(s);
    current = bestAway;
  }
}
