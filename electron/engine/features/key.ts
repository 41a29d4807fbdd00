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
