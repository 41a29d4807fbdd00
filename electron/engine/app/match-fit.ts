/**
 * What a user reads beside a ranked track. The raw match score (mean cosine + beat term,
 * about −0.4…0.5) orders tracks but reads badly: a good second choice can show "−0.02". The fronts'
 * headline is the track's standing for the clip (top = rank / n), true on any media. A model
 * version may also carry a calibration (match-calibration.json beside model.json): a logistic
 * curve fitted to the match scores of synthetic clip–track pairs it never trained on, true pairs
 * against non-pairs with even weight, so a "model confidence 72 %" means a synthetic held-out pair
 * scoring this belonged together 72 times in 100 at even odds; on real media it follows the clip
 * and the track length, so it is shown second. Without one, value is the standing. Both are
 * monotone in the score, so the order never changes.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FitView } from '../../contract/types';
import { inputError } from '../errors';
import { round } from '../util/round';
import { finite } from '../util/finite';
import { errorMessage } from '../util/error-message';

export const CALIBRATION_FILE = 'match-calibration.json';

/** fit(score) = σ(slope · score + intercept), fitted on held-out pairs of one model version. */
export interface MatchCalibration {
  slope: number;
  intercept: number;
  /** What the pairs were: corpus, seed, which pairs, clip and track lengths. */
  data: string;
  /** Synthetic corpus pairs, or held-out edits of the user's (fine-tuning); a file without it: synthetic. */
  domain: 'synthetic' | 'edits';
  positives: number;
  negatives: number;
  createdAt: string;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** The calibrated fit of a score: strictly increasing (slope > 0), in (0, 1). */
export function calibratedFit(score: number, cal: Pick<MatchCalibration, 'slope' | 'intercept'>): number {
  return sigmoid(cal.slope * score + cal.intercept);
}

/** The score at which the calibrated fit is one half. */
export function evenScore(cal: Pick<MatchCalibration, 'slope' | 'intercept'>): number {
  return -cal.intercept / cal.slope;
}

/**
 * Logistic regression of "true pair" on score with both classes weighted one half (a library
 * has one true soundtrack among many tracks, so the held-out class ratio means nothing there),
 * by Newton's method on the standardised score. A tiny ridge keeps the slope finite when the
 * classes separate completely.
 */
export function fitCalibration(positives: ArrayLike<number>, negatives: ArrayLike<number>, ridge = 1e-6): Pick<MatchCalibration, 'slope' | 'intercept'> {
  if (positives.length === 0 || negatives.length === 0) throw new RangeError(`calibration needs both true pairs and non-pairs (got ${positives.length} and ${negatives.length})`);
  const all = [...Array.from(positives), ...Array.from(negatives)];
  const mean = all.reduce((s, x) => s + x, 0) / all.length;
  const sd = Math.sqrt(all.reduce((s, x) => s + (x - mean) ** 2, 0) / all.length) || 1;
  const classes = [
    { xs: positives, y: 1, w: 0.5 / positives.length },
    { xs: negatives, y: 0, w: 0.5 / negatives.length },
  ];
  let a = 0;
  let b = 0;
  for (let iter = 0; iter < 100; iter++) {
    // Gradient and Hessian of the weighted log-loss + ridge/2 · a² in (a, b).
    let ga = ridge * a;
    let gb = 0;
    let haa = ridge;
    let hab = 0;
    let hbb = 0;
    for (const { xs, y, w } of classes) {
      for (let i = 0; i < xs.length; i++) {
        const z = (xs[i] - mean) / sd;
        const p = sigmoid(a * z + b);
        const r = w * (p - y);
        const h = w * p * (1 - p);
        ga += r * z;
        gb += r;
        haa += h * z * z;
        hab += h * z;
        hbb += h;
      }
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  if (!(a > 0)) throw new RangeError(`true pairs do not score higher than non-pairs (slope ${a}): no calibration`);
  // Back to raw scores: a·(s − mean)/sd + b.
  return { slope: a / sd, intercept: b - (a * mean) / sd };
}

/** Mean log-loss with both classes weighted one half: a calibration's cost on a set of scores (ln 2 ≈ 0.693 = knows nothing). */
export function balancedLogLoss(s: { positives: ArrayLike<number>; negatives: ArrayLike<number> }, cal: Pick<MatchCalibration, 'slope' | 'intercept'>): number {
  const mean = (xs: ArrayLike<number>, f: (x: number) => number): number => Array.from(xs).reduce((t, x) => t + f(x), 0) / xs.length;
  return 0.5 * mean(s.positives, (x) => -Math.log(calibratedFit(x, cal))) + 0.5 * mean(s.negatives, (x) => -Math.log(1 - calibratedFit(x, cal)));
}

/**
 * What a ranked track shows: with a calibration its calibrated fit; without, the share of the
 * other ranked tracks it scores above ((n − rank)/(n − 1); 1 when it is alone). `top` is
 * rank / n, "top x % of the tracks ranked".
 */
export function fitView(score: number, rank: number, ranked: number, cal: MatchCalibration | null): FitView {
  if (!(Number.isInteger(rank) && rank >= 1 && rank <= ranked)) throw new RangeError(`rank ${rank} outside 1..${ranked}`);
  const top = rank / ranked;
  const value = cal ? calibratedFit(score, cal) : ranked === 1 ? 1 : (ranked - rank) / (ranked - 1);
  return { value: round(value, 3), basis: cal ? 'calibrated' : 'library', ...(cal ? { calibratedOn: cal.domain } : {}), top: round(top, 4), of: ranked };
}


/** A model version's calibration, or null when it has none; a malformed file is an input error naming it. */
export async function readCalibration(modelDir: string): Promise<MatchCalibration | null> {
  const file = join(modelDir, CALIBRATION_FILE);
  if (!existsSync(file)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw inputError(file, `not a readable JSON calibration (${errorMessage(err)})`, err);
  }
  const c = doc as Partial<MatchCalibration> | null;
  if (typeof c !== 'object' || c === null || !finite(c.slope) || !finite(c.intercept)) {
    throw inputError(file, 'needs finite numbers "slope" and "intercept"');
  }
  if (!(c.slope > 0)) throw inputError(file, `"slope" must be positive (the fit must grow with the score), got ${c.slope}`);
  return {
    slope: c.slope,
    intercept: c.intercept,
    data: typeof c.data === 'string' ? c.data : 'unknown',
    domain: c.domain === 'edits' ? 'edits' : 'synthetic',
    positives: finite(c.positives) ? c.positives : 0,
    negatives: finite(c.negatives) ? c.negatives : 0,
    createdAt: typeof c.createdAt === 'string' ? c.createdAt : '',
  };
}
