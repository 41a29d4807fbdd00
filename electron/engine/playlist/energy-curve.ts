import { usageError } from '../errors';
import { dotRows } from '../search/kernels';
import { checkLength, vectorAt, whyOf, type PlaylistEntry } from './entries';
import { EVERY_TRACK, slotPool, type TrackPool } from './pool';
import type { PlaylistSpace } from './space';
import { runSteps, type Steps } from './steps';
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
 * quantiles too, so a silent file neither is placed nor drags "low" down). Energy leads: the tracks
 * and their order minimise the total |energy − target| over all positions (an assignment, not a
 * slot-by-slot greedy pick, which left the last positions whatever remained: review T2). Among
 * assignments with that same total, mood continuity decides (unless `coherence` is 0): swaps and
 * replacements that keep the total lower Σ(1 − cos) between neighbours while they can.
 * score = the track's cosine to the previous pick (1 for the first; in a combined space the why
 * gives each space's cosine to the previous pick and its weight).
 */
export function energyCurve(
  store: PlaylistSpace,
  levels: EnergyLevel[],
  length: number,
  opts: { coherence?: number; pool?: TrackPool; atMost?: boolean } = {},
): EnergyEntry[] {
  return runSteps(energyCurveSteps(store, levels, length, opts));
}

/** energyCurve a row of the assignment, then a round of the mood smoothing, at a time (steps.ts). */
export function* energyCurveSteps(
  store: PlaylistSpace,
  levels: EnergyLevel[],
  length: number,
  opts: { coherence?: number; pool?: TrackPool; atMost?: boolean } = {},
): Steps<EnergyEntry[]> {
  const offered = slotPool(store, opts.pool ?? EVERY_TRACK).offered;
  const energies = Array.from({ length: store.trackCount }, (_, s) => store.infoAt(s).summary.energy);
  const library = energies.filter((_, s) => offered[s]);
  length = checkLength(length, library.length, opts.atMost);
  const targets = energyTargets(library, levels, length);
  const picks = yield* leastMissAssignment(
    energies,
    targets,
    energies.map((_, s) => s).filter((s) => offered[s]),
  );
  const vectors = store.trackVectors();
  if ((opts.coherence ?? 0.1) > 0) {
    const cosine = (a: number, b: number): number => dotRows(vectors, a, vectors, b, store.dim);
    yield* smoothMoodSteps(picks, energies, targets, offered, cosine);
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
function* leastMissAssignment(energies: number[], targets: number[], candidates: number[]): Steps<number[]> {
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
    yield { phase: 'pick', done: i, total: L };
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

/** Unit roundoff of a double: a sum's rounding error is bounded in multiples of it. */
const ROUNDOFF = 2 ** -53;

/** Σ(1 − cos) between neighbours, summed left to right as the choice between sequences is made on exactly these floats. */
const awayOf = (seq: number[], cosine: (a: number, b: number) => number): number => seq.reduce((sum, s, k) => (k === 0 ? 0 : sum + 1 - cosine(seq[k - 1], s)), 0);

/** A candidate move: swap positions a and b, or (b < 0) put track `u` at position a. */
interface Move {
  a: number;
  b: number;
  u: number;
}

/**
 * Lower Σ(1 − cos) between neighbours by swapping two positions or replacing a pick with an
 * unused offered track, only when the total energy miss stays at its least (best first move,
 * until none helps).
 *
 * Each round tries every swap (L²) and every replacement (L·N). Re-summing the miss and the
 * neighbours' cosines over all L positions for each of them made a 200-track curve take minutes
 * (review R2.10); a move changes only its positions' miss terms and the cosines of their
 * neighbours, so each candidate is judged on that change, O(1). The decisions stay those of the
 * full left-to-right sums bit for bit: the change gives an estimate of the full sum with a proven
 * bound on its rounding error, and only when a comparison falls within that bound (near-ties) is
 * the candidate's full sum computed as before. `cosine` must be symmetric to the bit (dotRows is:
 * x·y = y·x in IEEE and the sum runs in the same order), as it is cached per pair.
 */
export function smoothMood(picks: number[], energies: number[], targets: number[], offered: ArrayLike<number>, cosine: (a: number, b: number) => number): void {
  runSteps(smoothMoodSteps(picks, energies, targets, offered, cosine));
}

/** smoothMood a round at a time (steps.ts). */
export function* smoothMoodSteps(picks: number[], energies: number[], targets: number[], offered: ArrayLike<number>, cosine: (a: number, b: number) => number): Steps<void> {
  const L = picks.length;
  const N = offered.length;
  const least = missOf(picks, energies, targets);
  const limit = least + SAME_MISS;
  const cosines = new Map<number, number>();
  const cached = (x: number, y: number): number => {
    const key = x < y ? x * N + y : y * N + x;
    let c = cosines.get(key);
    if (c === undefined) cosines.set(key, (c = cosine(x, y)));
    return c;
  };
  const used = new Uint8Array(N);
  for (const s of picks) used[s] = 1;
  const missAt = (s: number, k: number): number => Math.abs(energies[s] - targets[k]);
  /** The sequence a move makes (for the full sums of near-ties). */
  const applied = (m: Move): number[] => {
    const seq = [...picks];
    if (m.b < 0) seq[m.a] = m.u;
    else [seq[m.a], seq[m.b]] = [picks[m.b], picks[m.a]];
    return seq;
  };
  let current = awayOf(picks, cached);
  // A plain function per round (whether it moved): the hot loops stay out of the generator's frame, which V8 optimises less.
  const oneRound = (): boolean => {
    // This round's sums as the old full passes give them, and the sizes their error bounds need.
    const missNow = missOf(picks, energies, targets);
    let awayAbs = 0;
    for (let k = 1; k < L; k++) awayAbs += Math.abs(1 - cached(picks[k - 1], picks[k]));
    // The best move so far and an interval holding its full away sum (exact once computed).
    let best: Move | undefined;
    let bestLow = current - 1e-12;
    let bestHigh = bestLow;
    let bestExact = true;
    // The move's changed terms: new and old miss at its positions, new and old 1 − cos of the edges they touch.
    let newMiss = 0;
    let oldMiss = 0;
    let newAway = 0;
    let oldAway = 0;
    let newAbs = 0;
    let oldAbs = 0;
    const edge = (p: number, q: number, at: (k: number) => number): void => {
      const was = 1 - cached(picks[p], picks[q]);
      const now = 1 - cached(at(p), at(q));
      oldAway += was;
      newAway += now;
      oldAbs += Math.abs(was);
      newAbs += Math.abs(now);
    };
    const consider = (m: Move): void => {
      const trackAt = (k: number): number => (k === m.a ? (m.b < 0 ? m.u : picks[m.b]) : k === m.b ? picks[m.a] : picks[k]);
      // Miss: would the full sum exceed the least? Estimate ± bound, the full sum only when undecided.
      newMiss = missAt(trackAt(m.a), m.a);
      oldMiss = missAt(picks[m.a], m.a);
      if (m.b >= 0) {
        newMiss += missAt(trackAt(m.b), m.b);
        oldMiss += missAt(picks[m.b], m.b);
      }
      const miss = missNow + (newMiss - oldMiss);
      // Left-to-right sums of L non-negative terms err by at most L·u·Σ (here doubled, and the change's own rounding).
      const missSlack = 2 * ROUNDOFF * (2.02 * L * (missNow + newMiss) + 4 * (newMiss + oldMiss) + Math.abs(miss));
      if (miss - missSlack > limit) return;
      if (miss + missSlack > limit && missOf(applied(m), energies, targets) > limit) return;
      // Away: the edges either moved position touches (a swap of neighbours shares one, whose cosine is unchanged).
      newAway = oldAway = newAbs = oldAbs = 0;
      if (m.a > 0) edge(m.a - 1, m.a, trackAt);
      if (m.a + 1 < L) edge(m.a, m.a + 1, trackAt);
      if (m.b >= 0) {
        if (m.b - 1 > m.a) edge(m.b - 1, m.b, trackAt);
        if (m.b + 1 < L) edge(m.b, m.b + 1, trackAt);
      }
      const away = current + (newAway - oldAway);
      // Each step of `sum + 1 − cos` rounds twice: the error stays below u·((2L+1)·Σ|1 − cos| + 3L) (doubled here).
      const awaySlack = 2 * ROUNDOFF * (2.02 * ((2 * L + 1) * (awayAbs + newAbs) + 3 * L) + 7 * (newAbs + oldAbs) + Math.abs(away));
      if (away + awaySlack < bestLow) {
        [best, bestLow, bestHigh, bestExact] = [m, away - awaySlack, away + awaySlack, false];
        return;
      }
      if (away - awaySlack >= bestHigh) return;
      // A near-tie: decide on the full sums, as the old pass did.
      const full = awayOf(applied(m), cached);
      if (!bestExact && best) {
        bestLow = bestHigh = awayOf(applied(best), cached);
        bestExact = true;
      }
      if (full < bestLow) [best, bestLow, bestHigh, bestExact] = [m, full, full, true];
    };
    for (let a = 0; a < L; a++) {
      const sa = picks[a];
      const missA = missAt(sa, a);
      for (let b = a + 1; b < L; b++) {
        const sb = picks[b];
        // Cheap test first: a swap that changes the miss is never taken.
        if (missAt(sa, b) + missAt(sb, a) > missA + missAt(sb, b) + SAME_MISS) continue;
        consider({ a, b, u: -1 });
      }
      for (let u = 0; u < N; u++) {
        if (!offered[u] || used[u]) continue;
        if (missAt(u, a) > missA + SAME_MISS) continue;
        consider({ a, b: -1, u });
      }
    }
    if (!best) return false;
    const move: Move = best;
    const seq = applied(move);
    if (move.b < 0) {
      used[picks[move.a]] = 0;
      used[move.u] = 1;
    }
    for (let k = 0; k < L; k++) picks[k] = seq[k];
    current = bestExact ? bestLow : awayOf(picks, cached);
    return true;
  };
  for (let round = 0; round < 10 * L; round++) {
    if (!oneRound()) return;
    yield { phase: 'order', done: round + 1, total: 0 };
  }
}
