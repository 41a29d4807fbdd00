/**
 * The splice path: which beats to cut between so the remix lasts exactly the target, ends on the
 * track's ending (or a phrase end) and starts on a downbeat near the offset, with as few and as
 * unheard splices as possible. Dynamic programming backwards from the end, which is pinned to the
 * output's last instant: state (beat k, c beat intervals still to play) knows when beat k sounds
 * in the output, so shot cuts can be rewarded. The sub-beat remainder goes to the start, which
 * enters a fraction of a beat before or after its downbeat (the pickup), so the length is exact.
 */
import { usageError } from '../errors';
import { round } from '../util/round';
import { hasNear, HIT_TOLERANCE } from './hits';
import { barPosition, isDownbeat, isPhraseStart, type SpliceCandidates } from './splices';
import type { EndMode, FitPlan, KeptRange, Splice, TrackGrid } from './types';

export interface PlanOptions {
  /** Output length, seconds. */
  target: number;
  /** Source seconds the music should start near; default the track's start. */
  offset?: number;
  /** Default: 'ending' when the track has one, else 'phrase'. */
  end?: EndMode;
  /** Shot cuts in output seconds: reward paths that put downbeats (or strong attacks) on them. */
  cuts?: number[];
  /** Cost of one splice, so fewer splices win over slightly smoother ones. */
  spliceCost?: number;
  /** Allow a tempo change of up to 3 % when no path fits (default true). */
  allowTempo?: boolean;
}

// A hit is worth about a splice: an extra splice (3 + its cost + a bar shift) pays when it lands two cuts.
const HIT_REWARD = 3;
const STRONG_REWARD = 1;
const MAX_TEMPO_CHANGE = 0.03;

interface Dp {
  V: Float32Array;
  R: Float64Array;
  /** −1 play on, −2 terminal, ≥ 0 index of the splice candidate taken. */
  act: Int16Array;
  C: number;
}

function strongBeats(g: TrackGrid): Uint8Array {
  const o = Array.from(g.features.onset).sort((a, b) => a - b);
  const q = o[Math.floor(0.75 * (o.length - 1))] ?? Infinity;
  return Uint8Array.from(g.features.onset, (v) => (v >= q && v > 0 ? 1 : 0));
}

/** Plan for a target in source seconds (tempo already factored out); null when no path fits. */
function planOnce(g: TrackGrid, cand: SpliceCandidates, o: Required<Omit<PlanOptions, 'cuts' | 'allowTempo'>> & { cuts: number[]; ratio: number }): FitPlan | null {
  const t = g.beats;
  const n = t.length;
  const m = g.beatsPerBar;
  const T = o.target * o.ratio;
  const ending = o.end === 'ending';
  const last = n - 1;
  const tail = ending ? Math.max(0, g.end - t[last]) : 0;
  const dur = (k: number): number => t[k + 1] - t[k];
  const intervals = Array.from({ length: n - 1 }, (_, k) => dur(k)).sort((a, b) => a - b);
  const typical = intervals[Math.floor(intervals.length / 2)];
  const minInterval = Math.max(0.05, 0.7 * intervals[Math.floor(0.05 * (intervals.length - 1))]);
  const C = Math.ceil(Math.max(0, T - tail) / minInterval) + 2;
  // Two arrays of C × n (float32 + float64): 8 M states is ~100 MB, a fit of hours.
  if (C * n > 8e6) throw usageError(`a ${o.target.toFixed(1)} s fit of a track with ${n} beats is too long to plan`);
  const sortedCuts = [...o.cuts].sort((a, b) => a - b);
  const near = o.cuts.length ? (x: number): boolean => hasNear(sortedCuts, x, HIT_TOLERANCE) : null;
  const strong = near ? strongBeats(g) : null;
  const outAt = (R: number): number => (T - tail - R) / o.ratio;
  const reward = (k: number, R: number): number => {
    if (!near || !near(outAt(R))) return 0;
    return isDownbeat(g, k) ? HIT_REWARD : strong![k] ? STRONG_REWARD : 0;
  };
  // Final segment: a full bar before the last downbeat, the last bar and the ending's tail at
  // least, with no splice in it (splices leave and enter on downbeats).
  let lastDownbeat = last;
  while (lastDownbeat > 0 && !isDownbeat(g, lastDownbeat)) lastDownbeat--;
  const noSpliceFrom = ending ? lastDownbeat - m : n;
  const dp: Dp = { V: new Float32Array((C + 1) * n).fill(Infinity), R: new Float64Array((C + 1) * n), act: new Int16Array((C + 1) * n).fill(-3), C };
  const { V, R, act } = dp;
  if (ending) [V[last], act[last]] = [0, -2];
  else for (let k = 0; k < n; k++) if (isPhraseStart(g, k)) [V[k], act[k]] = [0, -2];
  for (let c = 1; c <= C; c++) {
    const row = c * n;
    for (let k = 0; k < n; k++) {
      let best = Infinity;
      let bestR = 0;
      let bestAct = -3;
      if (k + 1 < n && Number.isFinite(V[row - n + k + 1])) {
        const r = R[row - n + k + 1] + dur(k);
        best = V[row - n + k + 1] - reward(k, r);
        bestR = r;
        bestAct = -1;
      }
      if (k < noSpliceFrom && c >= m) {
        const js = cand.targets[k];
        const cs = cand.costs[k];
        for (let x = 0; x < js.length; x++) {
          const j = js[x];
          if (j + m > last || (ending && j > lastDownbeat - m)) continue;
          const child = (c - m) * n + j + m;
          if (!Number.isFinite(V[child])) continue;
          const r = R[child] + (t[j + m] - t[j]);
          let v = V[child] + o.spliceCost + cs[x];
          if (near) for (let y = 0; y < m; y++) v -= reward(j + y, r - (t[j + y] - t[j]));
          if (v < best) [best, bestR, bestAct] = [v, r, x];
        }
      }
      V[row + k] = best;
      R[row + k] = bestR;
      act[row + k] = bestAct;
    }
  }
  // The start stays within a bar of the offset when it can; failing that, two, then four bars.
  for (const bars of [1, 2, 4]) {
    const plan = chooseStart(g, cand, dp, o, { T, tail, typical, reward, bars });
    if (plan) return plan;
  }
  return null;
}

function chooseStart(
  g: TrackGrid,
  cand: SpliceCandidates,
  dp: Dp,
  o: { offset: number; end: EndMode; target: number; ratio: number },
  x: { T: number; tail: number; typical: number; reward: (k: number, R: number) => number; bars: number },
): FitPlan | null {
  const t = g.beats;
  const n = t.length;
  const m = g.beatsPerBar;
  const bar = m * x.typical;
  const window = x.bars * bar;
  const { V, R, C } = dp;
  let best: { cost: number; k: number; c: number; s: number } | null = null;
  for (let c = 1; c <= C; c++) {
    // The first segment plays at least a bar before any splice, as every segment after a splice does.
    for (let k = 0; k + m < n && c >= m; k++) {
      const child = (c - m) * n + k + m;
      if (!Number.isFinite(V[child])) continue;
      const r = R[child] + (t[k + m] - t[k]);
      // tau: when beat k sounds in the output (negative: the output starts inside interval k).
      const tau = x.T - x.tail - r;
      const before = k > 0 ? t[k] - t[k - 1] : t[k];
      if (tau >= before || tau <= -(t[k + 1] - t[k]) || t[k] - tau < 0) continue;
      const s = t[k] - tau;
      if (Math.abs(s - o.offset) > window) continue;
      const cost = V[child] - x.reward(k, r) + Math.abs(s - o.offset) / bar + (isDownbeat(g, k) ? 0 : 0.5) + (0.5 * Math.abs(tau)) / x.typical;
      if (!best || cost < best.cost) best = { cost, k, c, s };
    }
  }
  if (!best) return null;
  return trace(g, cand, dp, best, o, x.tail);
}

/** Walk the chosen path into kept ranges and splices. */
function trace(
  g: TrackGrid,
  cand: SpliceCandidates,
  dp: Dp,
  start: { k: number; c: number; s: number },
  o: { end: EndMode; target: number; ratio: number },
  tail: number,
): FitPlan {
  const t = g.beats;
  const n = t.length;
  const m = g.beatsPerBar;
  const ranges: KeptRange[] = [];
  const splices: Splice[] = [];
  let segStart = start.s;
  let out = 0;
  let k = start.k + m;
  let c = start.c - m;
  for (;;) {
    const a = dp.act[c * n + k];
    if (a === -2 || c === 0) break;
    if (a === -1) {
      k++;
      c--;
      continue;
    }
    const j = cand.targets[k][a];
    ranges.push({ sourceStart: segStart, sourceEnd: t[k], outputStart: out });
    out += t[k] - segStart;
    splices.push({ time: out, from: t[k], to: t[j], fromBeat: k, toBeat: j, score: round(cand.costs[k][a], 3) });
    segStart = t[j];
    k = j + m;
    c -= m;
  }
  ranges.push({ sourceStart: segStart, sourceEnd: t[k] + tail, outputStart: out });
  const scale = 1 / o.ratio;
  for (const r of ranges) r.outputStart *= scale;
  for (const s of splices) s.time *= scale;
  return completePlan(g, ranges, splices, { target: o.target, endMode: o.end, ratio: o.ratio });
}

/**
 * A plan from its kept ranges (output times placed) and splices: the worst splice, and the
 * output times of the beats and downbeats heard. Shared by the planner and by edited plans.
 */
export function completePlan(g: TrackGrid, ranges: KeptRange[], splices: Splice[], o: { target: number; endMode: EndMode; ratio: number }): FitPlan {
  const t = g.beats;
  const scale = 1 / o.ratio;
  const heard = (times: number[]): number[] => {
    const res: number[] = [];
    for (const r of ranges) for (const b of times) if (b >= r.sourceStart - 1e-6 && b < r.sourceEnd - 1e-6) res.push(round(r.outputStart + (b - r.sourceStart) * scale, 4));
    return res;
  };
  const downbeats = t.filter((_, i) => barPosition(g, i).pos === 0);
  return {
    duration: o.target,
    ranges,
    splices,
    worstSplice: splices.reduce((w, s) => Math.max(w, s.score), 0),
    endMode: o.endMode,
    tempoRatio: o.ratio,
    start: ranges[0].sourceStart,
    beats: heard(t),
    downbeats: heard(downbeats),
  };
}

/**
 * The best fit of `g` to `opts.target` seconds, or null when none exists (target shorter than
 * the ending, no phrase end reachable) even with the tempo change. Length is exact by
 * construction: Σ(range lengths) / tempoRatio = target.
 */
export function planFit(g: TrackGrid, cand: SpliceCandidates, opts: PlanOptions): FitPlan | null {
  if (!(opts.target > 0)) throw usageError(`the target length must be > 0 s (got ${opts.target})`);
  const base = {
    target: opts.target,
    offset: opts.offset ?? 0,
    end: opts.end ?? (g.hasEnding ? 'ending' : 'phrase'),
    spliceCost: opts.spliceCost ?? 3,
    cuts: opts.cuts ?? [],
  } as const;
  const plain = planOnce(g, cand, { ...base, ratio: 1 });
  if (plain || opts.allowTempo === false) return plain;
  // Nearest ratios first: the smallest tempo change that lets a path fit.
  for (let step = 1; step <= 6; step++) {
    for (const sign of [1, -1]) {
      const p = planOnce(g, cand, { ...base, ratio: 1 + (sign * step * MAX_TEMPO_CHANGE) / 6 });
      if (p) return p;
    }
  }
  return null;
}
