/**
 * Tempo and beats from an onset-strength envelope (frames at `rate` per second).
 *
 * Tempo: autocorrelation of the envelope, scored per candidate BPM as the mean of its first
 * harmonics (lags P, 2P, … 8P; long lags give sub-frame precision) times a log-normal prior
 * around 120 BPM (one octave wide). The prior settles the octave: a click track at 140 BPM has
 * equal comb scores at 140 and 70, a 70 BPM one has half the score at 140.
 * Beats: Ellis' dynamic-programming tracker (as librosa's beat_track) at that tempo.
 */

export interface Tempo {
  bpm: number;
  /** Comb score of the winner relative to the envelope's energy, 0–1. */
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
  const maxPeriod = (60 * rate) / minBpm;
  const usable = Math.floor(env.length / 2);
  const maxLag = Math.min(Math.ceil(HARMONICS * maxPeriod), usable);
  if (maxLag < (60 * rate) / maxBpm) return null;
  const ac = autocorrelation(env, maxLag);
  if (!(ac[0] > 0)) return null;
  const comb = (bpm: number): number => {
    const p = (60 * rate) / bpm;
    let s = 0;
    let m = 0;
    for (let h = 1; h <= HARMONICS && h * p <= maxLag; h++, m++) s += at(ac, h * p);
    return m === 0 ? -Infinity : s / m / ac[0];
  };
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

/** Beat frame indices following `bpm` through the envelope (Ellis 2007, tightness 100). */
export function trackBeats(env: Float64Array, rate: number, bpm: number): number[] {
  const n = env.length;
  const period = (60 * rate) / bpm;
  if (n < 2 || !(period > 0)) return [];
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
