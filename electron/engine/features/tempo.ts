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

function autocorrelation(env: Float64Array, maxLag: number): Float64Array {
  const n = env.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n || 1;
  const x = env.map((v) => v - mean);
  const ac = new Float64Array(maxLag + 2);
  for (let l = 0; l <= maxLag + 1 && l < n; l++) {
    let s = 0;
    for (let i = 0; i + l < n; i++) s += x[i] * x[i + l];
    ac[l] = s;
  }
  return ac;
}

function at(ac: Float64Array, lag: number): number {
  const i = Math.floor(lag);
  if (i + 1 >= ac.length) return 0;
  const f = lag - i;
  return ac[i] * (1 - f) + ac[i + 1] * f;
}

export function estimateTempo(env: Float64Array, rate: number, minBpm: number, maxBpm: number, priorBpm: number): Tempo | null {
  const comb = periodicity(env, rate, minBpm, maxBpm);
  if (!comb) return null;
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

/** The comb at a BPM: mean autocorrelation at lags P…8P over the lag-0 energy; null when the envelope is flat or too short. */
export function periodicity(env: Float64Array, rate: number, minBpm: number, maxBpm: number): ((bpm: number) => number) | null {
  const maxPeriod = (60 * rate) / minBpm;
  const usable = Math.floor(env.length / 2);
  const maxLag = Math.min(Math.ceil(HARMONICS * maxPeriod), usable);
  if (maxLag < (60 * rate) / maxBpm) return null;
  const ac = autocorrelation(env, maxLag);
  if (!(ac[0] > 0)) return null;
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
  const score = periodicity(onset, rate, o.minBpm, o.maxBpm);
  if (!score) return null;
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

/** Beat frame indices following `bpm` through the envelope (Ellis 2007, tightness 100). */
export function trackBeats(env: Float64Array, rate: number, bpm: number): number[] {
  const n = env.length;
  const period = (60 * rate) / bpm;
  // No beats without a finite period (a BPM of 0, negative or NaN).
  if (n < 2 || !(period > 0 && Number.isFinite(period))) return [];
  // Local score: the envelope (normalised by its std) smoothed with a Gaussian of period/32.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += env[i];
  mean /= n;
  let varSum = 0;
  for (let i = 0; i < n; i++) varSum += (env[i] - mean) ** 2;
  const sd = Math.sqrt(varSum / n) || 1;
  const sigma = period / 32;
  const half = Math.max(1, Math.ceil(4 * sigma));
  const kernel = Array.from({ length: 2 * half + 1 }, (_, i) => Math.exp(-0.5 * ((i - half) / sigma) ** 2));
  const local = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = -half; k <= half; k++) {
      const j = i + k;
      if (j >= 0 && j < n) s += kernel[k + half] * (env[j] / sd);
    }
    local[i] = s;
  }
  const cum = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const lo = Math.round(period / 2);
  const hi = Math.round(2 * period);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let arg = -1;
    for (let d = lo; d <= hi && i - d >= 0; d++) {
      const v = cum[i - d] - 100 * Math.log(d / period) ** 2;
      if (arg < 0 || v > best) [best, arg] = [v, i - d];
    }
    cum[i] = local[i] + (arg >= 0 ? best : 0);
    back[i] = arg;
  }
  // Last beat: the last local maximum of the cumulative score that is at least half their median.
  const peaks: number[] = [];
  for (let i = 1; i < n - 1; i++) if (cum[i] > cum[i - 1] && cum[i] >= cum[i + 1]) peaks.push(i);
  if (peaks.length === 0) return [];
  const sorted = peaks.map((i) => cum[i]).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  let last = peaks[peaks.length - 1];
  for (let p = peaks.length - 1; p >= 0; p--) {
    if (cum[peaks[p]] >= 0.5 * median) {
      last = peaks[p];
      break;
    }
  }
  const beats: number[] = [];
  for (let i = last; i >= 0; i = back[i]) beats.push(i);
  beats.reverse();
  // Trim leading/trailing beats on weak onsets (silence before/after the music).
  const strength = beats.map((b) => local[b]);
  const rms = Math.sqrt(strength.reduce((a, v) => a + v * v, 0) / (strength.length || 1));
  let a = 0;
  let b = beats.length;
  while (a < b && strength[a] < 0.5 * rms) a++;
  while (b > a && strength[b - 1] < 0.5 * rms) b--;
  return beats.slice(a, b);
}

/** Under this confidence the summary shows no tempo (unknown) rather than a number. */
export const TEMPO_MIN_CONFIDENCE = 0.1;
