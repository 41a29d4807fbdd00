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
  // One slot per resample (C(2n − 1, n) of them) in flat arrays: 1.35 million objects at n = 12
  // cost more than the rest of a report.
  let total = 1;
  for (let k = 1; k <= n; k++) total = (total * (n - 1 + k)) / k;
  const means = new Float64Array(total);
  const probs = new Float64Array(total);
  let next = 0;
  // Distribute the n draws over the n values: c copies of xs[i]. The sum and log-probability are
  // carried down the walk, added in the order of xs, so each is the same number as summed per resample.
  const walk = (i: number, left: number, sum: number, logP: number): void => {
    if (i === n - 1) {
      means[next] = (sum + left * xs[i]) / n;
      probs[next] = Math.exp(logP - logFact[left]);
      next++;
      return;
    }
    for (let c = left; c >= 0; c--) walk(i + 1, left - c, sum + c * xs[i], logP - logFact[c]);
  };
  walk(0, n, 0, logFact[n] - n * Math.log(n));
  const order = ascendingOrder(means);
  const alpha = (1 - level) / 2;
  // A tolerance for the cumulative sum: 1/27 + … must reach a level it equals on paper.
  const quantile = (q: number): number => {
    let cum = 0;
    for (let j = 0; j < total; j++) {
      cum += probs[order[j]];
      if (cum >= q - 1e-12) return means[order[j]];
    }
    return means[order[total - 1]];
  };
  return { lo: quantile(alpha), hi: quantile(1 - alpha) };
}

/** Little-endian machines keep a double's low word first. */
const LOW_WORD_FIRST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The indices of `values` by ascending value, equal values (−0 and +0 too) in index order: what a
 * stable sort by `a − b` gives, which the cumulative sums of the exact bootstrap rely on to add the
 * same probabilities in the same order. A least-significant-digit radix sort on the doubles' bits
 * (4 passes of 16 bits; a comparison sort of 1.35 million indices took seconds).
 */
function ascendingOrder(values: Float64Array): Uint32Array {
  const total = values.length;
  const keys = new Float64Array(total);
  for (let j = 0; j < total; j++) keys[j] = values[j] + 0; // −0 + 0 is +0: the two are equal
  const words = new Uint32Array(keys.buffer);
  const [lo, hi] = LOW_WORD_FIRST ? [0, 1] : [1, 0];
  // Order the bit patterns as the numbers: negatives (sign bit set) reversed below the positives.
  for (let j = 0; j < total; j++) {
    if (words[2 * j + hi] & 0x80000000) {
      words[2 * j + hi] = ~words[2 * j + hi] >>> 0;
      words[2 * j + lo] = ~words[2 * j + lo] >>> 0;
    } else words[2 * j + hi] = (words[2 * j + hi] | 0x80000000) >>> 0;
  }
  let order = new Uint32Array(total);
  for (let j = 0; j < total; j++) order[j] = j;
  let spare = new Uint32Array(total);
  const counts = new Uint32Array(1 << 16);
  for (const [word, shift] of [[lo, 0], [lo, 16], [hi, 0], [hi, 16]]) {
    counts.fill(0);
    for (let j = 0; j < total; j++) counts[(words[2 * j + word] >>> shift) & 0xffff]++;
    let start = 0;
    for (let d = 0; d < counts.length; d++) {
      const c = counts[d];
      counts[d] = start;
      start += c;
    }
    for (let j = 0; j < total; j++) {
      const at = order[j];
      spare[counts[(words[2 * at + word] >>> shift) & 0xffff]++] = at;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
