import { PITCH_CLASSES } from './spec';

/** Key and mode by correlating a chroma profile with the Krumhansl–Kessler key profiles. */

const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

export interface Key {
  tonic: (typeof PITCH_CLASSES)[number];
  mode: 'major' | 'minor';
  /** Pearson correlation of the chroma with the winning profile, −1–1. */
  correlation: number;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, shift: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < 12; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= 12;
  mb /= 12;
  let num = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < 12; i++) {
    const x = a[(i + shift) % 12] - ma;
    const y = b[i] - mb;
    num += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? num / Math.sqrt(va * vb) : 0;
}

export interface KeyAnalysis {
  /** The best-correlated key; null when the chroma is flat (silence, noise with no pitch). */
  key: Key | null;
  /**
   * The best correlation with any major key and with any minor key (at least 0): their difference
   * says how minor the music sounds whatever its tonic.
   */
  major: number;
  minor: number;
}

/** One pass over the 24 key profiles: the best key, and the best major and minor correlations. */
export function analyseKey(chroma: ArrayLike<number>): KeyAnalysis {
  let key: Key | null = null;
  const best = { major: 0, minor: 0 };
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [mode, profile] of [['major', MAJOR], ['minor', MINOR]] as const) {
      const r = pearson(chroma, profile, tonic);
      best[mode] = Math.max(best[mode], r);
      if (r !== 0 && (!key || r > key.correlation)) key = { tonic: PITCH_CLASSES[tonic], mode, correlation: r };
    }
  }
  if (key) key.correlation = Math.round(key.correlation * 1000) / 1000;
  return { key, ...best };
}

/**
 * Temperley's (2007) profiles from the Kostka–Payne corpus: sparser than Krumhansl–Kessler's
 * listener ratings, so the diatonic neighbours (a ii–V–I's fifth above, a minor key's relative
 * major) score lower against the tonic. Used for the summary's key, not the descriptor columns.
 */
const TEMPERLEY_MAJOR = [0.748, 0.06, 0.488, 0.082, 0.67, 0.46, 0.096, 0.715, 0.104, 0.366, 0.057, 0.4];
const TEMPERLEY_MINOR = [0.712, 0.084, 0.474, 0.618, 0.049, 0.46, 0.105, 0.747, 0.404, 0.067, 0.133, 0.33];

/** Weight of the opening chord being the key's tonic triad, and of the tonic triad's share of all chords. */
const OPENING_WEIGHT = 0.2;
const TONIC_SHARE_WEIGHT = 0.6;
/** Chord windows at the start that make the opening. */
const OPENING_WINDOWS = 2;
/** A key whose score beats the runner-up by this much counts as sure. */
const SURE_MARGIN = 0.3;
/**
 * How key-like the chroma is, 0–1, from the winning profile correlation: a single sustained pitch
 * or noise correlates ≲ 0.45 with every key, diatonic music 0.7 and more.
 */
function tonality(r: number): number {
  return Math.max(0, Math.min(1, (r - 0.45) / 0.3));
}

export interface ChordInput {
  /** Whole-range chroma from compressed (√) frame chroma. */
  chroma: ArrayLike<number>;
  /** Chroma per window (~1 s), in order, for the chord sequence. */
  windows: ArrayLike<number>[];
}

export interface SummaryKey extends Key {
  /** How clearly the key beat the runner-up, 0–1. */
  confidence: number;
}

/** The best major or minor triad of one window, as [root pitch class, mode]; null for a silent window. */
export function windowTriad(chroma: ArrayLike<number>): [number, 'major' | 'minor'] | null {
  let max = 0;
  for (let i = 0; i < 12; i++) max = Math.max(max, chroma[i]);
  if (!(max > 0)) return null;
  const v = (i: number): number => chroma[i % 12] / max;
  let best = -Infinity;
  let out: [number, 'major' | 'minor'] = [0, 'major'];
  for (let r = 0; r < 12; r++) {
    // Root, third and fifth, minus the other third (a major triad's minor third is out of it).
    const major = v(r) + v(r + 4) + v(r + 7) - 0.5 * v(r + 3);
    const minor = v(r) + v(r + 3) + v(r + 7) - 0.5 * v(r + 4);
    if (major > best) [best, out] = [major, [r, 'major']];
    if (minor > best) [best, out] = [minor, [r, 'minor']];
  }
  return out;
}

/**
 * The summary's key: Temperley profile correlation of the whole range, plus chord-progression
 * evidence: the opening chord and the share of time on the key's tonic triad. Global profiles
 * alone read i–iv–VII–III as the major key of III (the same seven notes); the chords say which
 * triad the music starts on and returns to. Null for a flat chroma.
 */
export function detectKey(input: ChordInput): SummaryKey | null {
  const chords = input.windows.map(windowTriad).filter((c): c is [number, 'major' | 'minor'] => c !== null);
  const opening = chords.slice(0, OPENING_WINDOWS);
  const scores: { tonic: number; mode: 'major' | 'minor'; r: number; score: number }[] = [];
  for (let tonic = 0; tonic < 12; tonic++) {
    for (const [mode, profile] of [['major', TEMPERLEY_MAJOR], ['minor', TEMPERLEY_MINOR]] as const) {
      const r = pearson(input.chroma, profile, tonic);
      if (r === 0) continue;
      const isTonic = ([root, m]: [number, string]): boolean => root === tonic && m === mode;
      const open = opening.length ? opening.filter(isTonic).length / opening.length : 0;
      const share = chords.length ? chords.filter(isTonic).length / chords.length : 0;
      scores.push({ tonic, mode, r, score: r + OPENING_WEIGHT * open + TONIC_SHARE_WEIGHT * share });
    }
  }
  if (scores.length === 0) return null;
  scores.sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  const margin = second ? best.score - second.score : SURE_MARGIN;
  return {
    tonic: PITCH_CLASSES[best.tonic],
    mode: best.mode,
    correlation: Math.round(best.r * 1000) / 1000,
    confidence: Math.round(Math.min(1, margin / SURE_MARGIN) * tonality(best.r) * 1000) / 1000,
  };
}

/** Under this confidence the summary shows no key (unknown). */
export const KEY_MIN_CONFIDENCE = 0.05;
