import { usageError } from '../errors';
import { dotRows } from '../search/kernels';
import { checkLength, vectorAt, whyOf, type PlaylistEntry } from './entries';
import { EVERY_TRACK, slotPool, type TrackPool } from './pool';
import type { PlaylistSpace } from './space';
import { quantileSorted } from '../util/quantile';

export type EnergyLevel = 'low' | 'mid' | 'high' | number;

export interface EnergyEntry extends PlaylistEntry {
  /** The energy the curve asked for at this position. */
  target: number;
  /** The track's energy. */
  energy: number;
}

/**
 * Named levels are quantiles of the library's own energies (low = 15th, mid = 50th,
 * high = 85th percentile), and a number in [0, 1] is a quantile too: energy scales differ
 * between analysers and libraries, ranks do not, and a quantile target always has tracks
 * near it.
 */
const LEVEL_QUANTILE = { low: 0.15, mid: 0.5, high: 0.85 } as const;

/** Parse "low,mid,high" (names or 0..1 quantiles) into levels; a usage error names the bad word. */
export function parseEnergyLevels(text: string): EnergyLevel[] {
  return text.split(',').map((word) => {
    const w = word.trim().toLowerCase();
    if (w === 'low' || w === 'mid' || w === 'high') return w;
    const n = Number(w);
    if (w === '' || !Number.isFinite(n) || n < 0 || n > 1) throw usageError(`energy level "${word}" is not low, mid, high or a number in [0, 1]`);
    return n;
  });
}

/** Target energy at each of `length` positions: levels spread evenly, linear in between. */
export function energyTargets(energies: number[], levels: EnergyLevel[], length: number): number[] {
  if (levels.length === 0) throw usageError('an energy curve needs at least one level');
  const sorted = [...energies].sort((a, b) => a - b);
  const values = levels.map((l) => quantileSorted(sorted, typeof l === 'number' ? l : LEVEL_QUANTILE[l]));
  return Array.from({ length }, (_, s) => {
    if (values.length === 1 || length === 1) return values[0];
    const u = (s / (length - 1)) * (values.length - 1);
    const i = Math.min(values.length - 2, Math.floor(u));
    return values[i] + (values[i + 1] - values[i]) * (u - i);
  });
}

/**
 * A playlist that follows an energy curve over the tracks the pool offers (their energies give the
 * quantiles too, so a silent file neither is placed nor drags "low" down): at each position the
 * unused track minimising
 * |energy − target| / spread + coherence · (1 − cos(previous pick)), spread being the
 * library's 15–85 % energy range, so energy leads and mood continuity breaks near-ties.
 * score = the track's cosine to the previous pick (1 for the first; in a combined space the why
 * gives each space's cosine to the previous pick and its weight).
 */
export function energyCurve(
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
  const sorted = [...library].sort((a, b) => a - b);
  const spread = Math.max(1e-6, quantileSorted(sorted, 0.85) - quantileSorted(sorted, 0.15));
  const coherence = opts.coherence ?? 0.1;
  const vectors = store.trackVectors();
  const used = offered.map((o) => 1 - o);
  const out: EnergyEntry[] = [];
  let prev = -1;
  for (const target of targets) {
    let best = -1;
    let bestCost = Infinity;
    for (let s = 0; s < store.trackCount; s++) {
      if (used[s]) continue;
      const away = prev < 0 ? 0 : 1 - dotRows(vectors, prev, vectors, s, store.dim);
      const cost = Math.abs(energies[s] - target) / spread + coherence * away;
      if (cost < bestCost) [best, bestCost] = [s, cost];
    }
    used[best] = 1;
    out.push({
      trackId: store.idAt(best),
      score: prev < 0 ? 1 : dotRows(vectors, prev, vectors, best, store.dim),
      target,
      energy: energies[best],
      ...whyOf(store, vectorAt(store, prev < 0 ? best : prev), best),
    });
    prev = best;
  }
  return out;
}
