/**
 * 95 % confidence intervals for a mean over a handful of seeds: Student's t interval and the
 * exact percentile bootstrap (every resample of the seeds, no random draws); beyond 12 seeds, a
 * bootstrap of seeded draws.
 */
import { createRng } from '../../electron/engine/util/prng';
import { meanSd } from './stats';

/** Two-sided 5 % critical values of Student's t (the 0.975 quantile) for 1..60 degrees of freedom (round 7 reads 34 seeds: 33). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064,
  2.06, 2.056, 2.052, 2.048, 2.045, 2.042, 2.04, 2.037, 2.035, 2.032, 2.03, 2.028, 2.026, 2.024, 2.023, 2.021, 2.02, 2.018, 2.017, 2.015, 2.014, 2.013, 2.012, 2.011,
  2.01, 2.009, 2.008, 2.007, 2.006, 2.005, 2.004, 2.003, 2.002, 2.002, 2.001, 2.0,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom; beyond 60 the 60's (conservative). */
export function tCritical975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`degrees of freedom must be a positive whole number (got ${df})`);
  return T_975[Math.min(df, T_975.length) - 1];
}

export interface Interval {
  lo: number;
  hi: number;
}

export interface MeanInterval extends Interval {
  n: number;
  mean: number;
  sd: number;
}

/** mean ± t₀.₉₇₅,ₙ₋₁ · sd / √n over at least two values. */
export function tInterval95(xs: readonly number[]): MeanInterval {
  if (xs.length < 2) throw new Error(`a t interval needs at least 2 values (got ${xs.length})`);
  const { mean, sd } = meanSd(xs);
  const half = (tCritical975(xs.length - 1) * sd) / Math.sqrt(xs.length);
  return { n: xs.length, mean, sd, lo: mean - half, hi: mean + half };
}

/** Largest sample the exact bootstrap enumerates (C(2n − 1, n) resamples: 1.35 million at 12). */
const MAX_EXACT = 12;

/**
 * The exact percentile bootstrap of the mean: every multiset of n draws from the n values, weighted
 * by its multinomial probability n! / (∏ cᵢ! · nⁿ). The bounds are the smallest resample means whose
 * cumulative probability reaches α/2 and 1 − α/2. Exact, so a table printed twice reads the same.
 */
export function exactBootstrapInterval(xs: readonly number[], level = 0.95): Interval {
  return memoised(xs, level, () => enumerateBootstrap(xs, level));
}

// A report asks for the same differences several times (the table, the verdict, the question):
// ~1 s each at n = 12, so each distinct one is computed once. A copy goes out, so no caller can
// change what the next one gets.
const bootstrapMemo = new Map<string, Interval>();
function memoised(xs: readonly number[], level: number, compute: () => Interval): Interval {
  const key = `${level}:${xs.join(',')}`;
  let interval = bootstrapMemo.get(key);
  if (!interval) {
    interval = compute();
    bootstrapMemo.set(key, interval);
  }
  return { ...interval };
}

/** Resamples of the seeded bootstrap beyond MAX_EXACT values: with 20 other seeds of the draws its bounds moved by < 0.0005 (13–34 differences of round 6's size). */
const RESAMPLES = 100_000;

/**
 * The percentile bootstrap of the mean: exact (every resample) up to 12 values; beyond, 100 000
 * resamples drawn with a fixed seed, so a table printed twice still reads the same. The bounds
 * follow the exact one's convention: the smallest resample mean whose cumulative share reaches
 * α/2 and 1 − α/2.
 */
export function bootstrapInterval(xs: readonly number[], level = 0.95): Interval {
  // The same memo as the exact one's: its keys never hold more than 12 values.
  return xs.length <= MAX_EXACT ? exactBootstrapInterval(xs, level) : memoised(xs, level, () => drawBootstrap(xs, level));
}

function drawBootstrap(xs: readonly number[], level: number): Interval {
  const n = xs.length;
  const rng = createRng(0x5eed);
  const means = new Float64Array(RESAMPLES);
  for (let b = 0; b < RESAMPLES; b++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += xs[rng.int(n)];
    means[b] = sum / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  // The index where the cumulative share 1/B, 2/B, … first reaches q (the tolerance as in the exact one).
  const at = (q: number): number => means[Math.min(RESAMPLES, Math.max(1, Math.ceil(q * RESAMPLES - 1e-9))) - 1];
  return { lo: at(alpha), hi: at(1 - alpha) };
}

function enumerateBootstrap(xs: readonly number[], level: number): Interval {
  const n = xs.length;
  if (n < 1 || n > MAX_EXACT) throw new Error(`the exact bootstrap enumerates 1 to ${MAX_EXACT} values (got ${n})`);
  const logFact = [0];
  for (let k = 1; k <= n; k++) logFact.push(logFact[k - 1] + Math.log(k));
  const outcomes: Array<{ mean: number; p: number }> = [];
  const counts = new Array<number>(n).fill(0);
  // Distribute the n draws over the n values: counts[i] copies of xs[i].
  const walk = (i: number, left: number): void => {
    if (i === n - 1) {
      counts[i] = left;
      let sum = 0;
      let logP = logFact[n] - n * Math.log(n);
      for (let k = 0; k < n; k++) {
        sum += counts[k] * xs[k];
        logP -= logFact[counts[k]];
      }
      outcomes.push({ mean: sum / n, p: Math.exp(logP) });
      return;
    }
    for (let c = left; c >= 0; c--) {
      counts[i] = c;
      walk(i + 1, left - c);
    }
  };
  walk(0, n);
  outcomes.sort((a, b) => a.mean - b.mean);
  const alpha = (1 - level) / 2;
  // A tolerance for the cumulative sum: 1/27 + … must reach a level it equals on paper.
  const quantile = (q: number): number => {
    let cum = 0;
    for (const o of outcomes) {
      cum += o.p;
      if (cum >= q - 1e-12) return o.mean;
    }
    return outcomes[outcomes.length - 1].mean;
  };
  return { lo: quantile(alpha), hi: quantile(1 - alpha) };
}
