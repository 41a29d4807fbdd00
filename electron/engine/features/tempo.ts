/**
 * Tempo and beats from an onset-strength envelope (frames at `rate` per second).
 *
 * estimateTempo is the descriptor spec's estimator (the `beats` column; the shipped model was
 * trained on it, so it stays as it is); detectTempo is the summary's (see below).
 *
 * estimateTempo: autocorrelation of the envelope, scored per candidate BPM as the mean of its first
 * harmonics (lags P, 2P, … 8P; long lags give sub-frame precision) times a log-normal prior
 * around 120 BPM (one octave wide). The prior settles the octave: a click track at 140 BPM has
 * equal comb scores at 140 and 70, a 70 BPM one has half the score at 140.
 * Beats: Ellis' dynamic-programming tracker (as librosa's beat_track) at that tempo.
 */

import { chooseLevel, LEVEL_DEFAULTS, type LevelOptions } from './metrical-level';

export interface Tempo {
  bpm: number;
  /** 0–1. estimateTempo: comb score relative to the envelope's energy; detectTempo: see there. */
  confidence: number;
}

const HARMONICS = 8;

/** Autocorrelation of the mean-removed envelope at lags 0…maxLag + 1 (0 past the envelope's end). */
export function autocorrelation(env: Float64Array, maxLag: number): Float64Array {
  const n = env.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n;
  const x = env.map((v) => v - mean);
  const ac = new Float64Array(maxLag + 2);
  // Four lags at a time: four independent sums (a chain of adds each, which the CPU overlaps),
  // each still added in index order, so every lag's value is the one-lag-at-a-time loop's.
  let l = 0;
  for (; l + 3 < ac.length; l += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + l + 3 < n; i++) {
      const v = x[i];
      s0 += v * x[i + l];
      s1 += v * x[i + l + 1];
      s2 += v * x[i + l + 2];
      s3 += v * x[i + l + 3];
    }
    // The shorter lags' last products, past the longest's end.
    for (let j = i; j + l < n; j++) s0 += x[j] * x[j + l];
    for (let j = i; j + l + 1 < n; j++) s1 += x[j] * x[j + l + 1];
    for (let j = i; j + l + 2 < n; j++) s2 += x[j] * x[j + l + 2];
    ac[l] = s0;
    ac[l + 1] = s1;
    ac[l + 2] = s2;
    ac[l + 3] = s3;
  }
  // The last lags one at a time, in a function of their own: after the loop above ran on the
  // stack in optimised code (OSR), a loop here that had not run yet sent V8 back out of it.
  for (; l < ac.length; l++) ac[l] = lagProduct(x, l);
  return ac;
}

/** Σ x[i]·x[i + lag] in index order. */
function lagProduct(x: Float64Array, lag: number): number {
  let s = 0;
  for (let i = 0; i + lag < x.length; i++) s += x[i] * x[i + lag];
  return s;
}

/** `ac` interpolated linearly at a lag of at most maxLag (so `ac[i + 1]` exists). */
function at(ac: Float64Array, lag: number): number {
  const i = Math.floor(lag);
  const f = lag - i;
  return ac[i] * (1 - f) + ac[i + 1] * f;
}

export function estimateTempo(env: Float64Array, rate: number, minBpm: number, maxBpm: number, priorBpm: number): Tempo | null {
  const comb = periodicity(env, rate, minBpm);
  const score = (bpm: number): number => {
    const octaves = Math.log2(bpm / priorBpm);
    return comb(bpm) * Math.exp(-0.5 * octaves * octaves);
  };
  let best = minBpm;
  let bestScore = -Infinity;
  for (let b = minBpm; b <= maxBpm; b += 0.5) {
    const s = score(b);
    if (s > bestScore) [best, bestScore] = [b, s];
  }
  for (let b = best - 0.5; b <= best + 0.5; b += 0.01) {
    const s = score(b);
    if (s > bestScore) [best, bestScore] = [b, s];
  }
  if (!(bestScore > 0)) return null;
  // The comb at half tempo hits only every other peak, so it cannot see onsets between them; if
  // double tempo is as well supported, the prior chose the slower octave wrongly (fast click tracks).
  if (2 * best <= maxBpm && comb(2 * best) >= 0.9 * comb(best)) {
    best *= 2;
    bestScore = score(best);
  }
  const octaves = Math.log2(best / priorBpm);
  const confidence = Math.min(1, bestScore / Math.exp(-0.5 * octaves * octaves));
  return { bpm: Math.round(best * 100) / 100, confidence: Math.round(confidence * 1000) / 1000 };
}

/**
 * The comb at a BPM: mean autocorrelation at lags P…8P (those within half the envelope) over the
 * lag-0 energy. A flat envelope's comb is NaN (0/0) and one too short for a period −∞: neither
 * wins a comparison, so the estimators find no tempo there without a guard of their own.
 */
function periodicity(env: Float64Array, rate: number, minBpm: number): (bpm: number) => number {
  const maxPeriod = (60 * rate) / minBpm;
  const maxLag = Math.min(Math.ceil(HARMONICS * maxPeriod), Math.floor(env.length / 2));
  const ac = autocorrelation(env, maxLag);
  return (bpm: number): number => {
    const p = (60 * rate) / bpm;
    let s = 0;
    let m = 0;
    for (let h = 1; h <= HARMONICS && h * p <= maxLag; h++, m++) s += at(ac, h * p);
    return m === 0 ? -Infinity : s / m / ac[0];
  };
}

/** The BPM within ±`spread` (relative) of `bpm` where `score` peaks (0.5 then 0.01 BPM grid). */
export function refinePeak(score: (bpm: number) => number, bpm: number, spread: number): number {
  let best = bpm;
  let bestScore = score(bpm);
  for (const step of [0.5, 0.02]) {
    const lo = step === 0.5 ? bpm * (1 - spread) : best - 0.5;
    const hi = step === 0.5 ? bpm * (1 + spread) : best + 0.5;
    for (let b = lo; b <= hi; b += step) {
      const s = score(b);
      if (s > bestScore) [best, bestScore] = [b, s];
    }
  }
  return best;
}

/**
 * The per-file tempo (what the summary shows and the matcher's beat term uses): the periodicity
 * peak of the `onset` envelope under a wide prior, moved to the metrical level the `accent`
 * envelope says is the beat (see metrical-level.ts), refined on the periodicity. Confidence: the
 * periodicity at that tempo times how clearly the level was chosen, 0–1.
 */
export function detectTempo(onset: Float64Array, accent: Float64Array, rate: number, o: LevelOptions = LEVEL_DEFAULTS): Tempo | null {
  const score = periodicity(onset, rate, o.minBpm);
  let anchor = o.minBpm;
  let best = -Infinity;
  for (let b = o.minBpm; b <= o.maxBpm; b += 0.5) {
    // Two octaves wide: only breaks near-ties between octaves, the level is chosen below.
    const s = score(b) * Math.exp(-0.5 * (Math.log2(b / 120) / 2) ** 2);
    if (s > best) [anchor, best] = [b, s];
  }
  if (!(best > 0)) return null;
  const level = chooseLevel(refinePeak(score, anchor, 0.02), onset, accent, rate, o);
  const bpm = Math.min(o.maxBpm, Math.max(o.minBpm, refinePeak(score, level.bpm, 0.015)));
  const strength = Math.max(0, Math.min(1, score(bpm) / PERIODIC));
  return { bpm: Math.round(bpm * 100) / 100, confidence: Math.round(strength * (0.3 + 0.7 * Math.min(1, level.margin / MARGIN)) * 1000) / 1000 };
}

/** Periodicity (comb over lag-0 energy) of a clearly rhythmic envelope; above counts as fully periodic. */
const PERIODIC = 0.5;
/** A level decision this far from its threshold counts as sure. */
const MARGIN = 0.2;

/**
 * Beat frame indices following `bpm` through the envelope (Ellis 2007, tightness 100). Each hot
 * loop is a function of its own: run once per call over a whole track, a loop is compiled on
 * the stack (OSR), and code after it that had not run yet (an allocation, the next loop) sent V8
 * back out and recompiled the whole function, several times in a worker's first tracks.
 */
export function trackBeats(env: Float64Array, rate: number, bpm: number): number[] {
  const n = env.length;
  const period = (60 * rate) / bpm;
  // No beats without a finite period (a BPM of 0, negative or NaN).
  if (n < 2 || !(period > 0 && Number.isFinite(period))) return [];
  const local = localScore(env, period);
  const { cum, back } = cumulativeScore(local, period);
  // Last beat: the last local maximum of the cumulative score that is at least half their median
  // (the ends are no maxima: each lacks a neighbour). With no maximum there is no last beat and
  // no beat.
  const peaks = localMaxima(cum);
  const count = peaks.length;
  const beats: number[] = [];
  if (count === 0) return beats;
  const scores = new Float64Array(count);
  for (let j = 0; j < count; j++) scores[j] = cum[peaks[j]];
  const median = scores.sort()[Math.floor(count / 2)];
  let last = peaks[count - 1];
  for (let j = count - 1; j >= 0; j--) {
    if (cum[peaks[j]] >= 0.5 * median) {
      last = peaks[j];
      break;
    }
  }
  for (let i = last; i >= 0; i = back[i]) beats.push(i);
  beats.reverse();
  // Trim leading/trailing beats on weak onsets (silence before/after the music); when every
  // beat is weak both ends are −1 and the slice is empty.
  let squares = 0;
  for (const b of beats) squares += local[b] * local[b];
  const rms = Math.sqrt(squares / beats.length);
  let first = -1;
  let end = -1;
  for (let j = 0; j < beats.length; j++) {
    // Strong: not below half the rms (NaN-safe as written: a NaN strength counts as strong).
    if (!(local[beats[j]] < 0.5 * rms)) {
      if (first < 0) first = j;
      end = j;
    }
  }
  return beats.slice(first, end + 1);
}

/**
 * trackBeats' local score: the envelope (normalised by its std) smoothed with a Gaussian of
 * period/32, over the envelope padded with zeros so every frame takes the whole kernel.
 */
function localScore(env: Float64Array, period: number): Float64Array {
  const n = env.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n;
  let varSum = 0;
  for (let i = 0; i < n; i++) varSum += (env[i] - mean) ** 2;
  const sd = Math.sqrt(varSum / n) || 1;
  const sigma = period / 32;
  const half = Math.max(1, Math.ceil(4 * sigma));
  const width = 2 * half + 1;
  const kernel = new Float64Array(width);
  for (let i = 0; i < width; i++) kernel[i] = Math.exp(-0.5 * ((i - half) / sigma) ** 2);
  const padded = new Float64Array(n + 2 * half);
  padded.set(env, half);
  const local = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < width; k++) s += kernel[k] * (padded[i + k] / sd);
    local[i] = s;
  }
  return local;
}

/**
 * trackBeats' cumulative score: a frame's local score plus the best predecessor 0.5–2 periods
 * back, less 100·ln²(gap/period), and that predecessor (−1: none; such frames keep their local
 * score). The penalty depends on the gap alone: one table per lag (the same values, computed once
 * instead of once per frame and lag), and plain loops (no per-pair array).
 */
function cumulativeScore(local: Float64Array, period: number): { cum: Float64Array; back: Int32Array } {
  const n = local.length;
  const cum = new Float64Array(n);
  const back = new Int32Array(n);
  const lo = Math.round(period / 2);
  const hi = Math.round(2 * period);
  const penalty = new Float64Array(Math.max(0, hi - lo + 1));
  for (let d = lo; d <= hi; d++) penalty[d - lo] = 100 * Math.log(d / period) ** 2;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let arg = -1;
    for (let d = lo; d <= hi && i - d >= 0; d++) {
      const v = cum[i - d] - penalty[d - lo];
      if (arg < 0 || v > best) {
        best = v;
        arg = i - d;
      }
    }
    cum[i] = local[i] + best;
    back[i] = arg;
  }
  return { cum, back };
}

/** The local maxima of `cum` (greater than the left neighbour, not less than the right), in order; the ends are none. */
function localMaxima(cum: Float64Array): Int32Array {
  const n = cum.length;
  const peaks = new Int32Array(n);
  let count = 0;
  for (let i = 1; i + 1 < n; i++) {
    const v = cum[i];
    if (v > cum[i - 1] && v >= cum[i + 1]) peaks[count++] = i;
  }
  return peaks.subarray(0, count);
}

/** Under this confidence the summary shows no tempo (unknown) rather than a number. */
export const TEMPO_MIN_CONFIDENCE = 0.1;
