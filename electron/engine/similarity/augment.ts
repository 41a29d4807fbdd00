/**
 * Augmentations of stored audio descriptor crops (no re-decoding), so two crops of one track
 * agree on what a track is (its instruments, production, harmony) and not on what a mix or a
 * player changes (level, EQ, a noisy step, a dropped band).
 *
 * Applied in place to raw feature rows (dB mel bands etc.) before the encoder's standardiser.
 * Time shift comes from the crops themselves: each crop starts at its own random step.
 */
import type { Rng } from '../util/prng';
import { melColumns } from './descriptor-stats';

export interface AugmentOptions {
  /** Gain: ± this many dB added to every mel band and to rms_db. */
  gainDb: number;
  /** Spectral tilt: ± this many dB from the lowest to the highest band (centred). */
  tiltDb: number;
  /** EQ: one bell of ± this many dB at a random band (width ≈ 3 bands). */
  eqDb: number;
  /** Noise: Gaussian with this fraction of each column's library std. */
  noise: number;
  /** Band masking: up to this many adjacent mel bands set to their library mean. */
  maxBandMask: number;
  /** Step masking: up to this many adjacent steps set to the library means. */
  maxStepMask: number;
  /** Probability of applying each augmentation. */
  p: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = { gainDb: 6, tiltDb: 6, eqDb: 4, noise: 0.1, maxBandMask: 6, maxStepMask: 3, p: 0.8 };

/** Where the level-like columns are, from the feature names. */
export interface ColumnLayout {
  D: number;
  mel: number[];
  /** Columns in dB that move with the overall gain (rms_db). */
  levelDb: number[];
}

export function columnLayout(names: readonly string[]): ColumnLayout {
  return { D: names.length, mel: melColumns(names), levelDb: names.flatMap((n, i) => (n === 'rms_db' ? [i] : [])) };
}

/** Standard normal draw (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Augment each of the `rows.length / (window·D)` crops in place. `mean`/`std`: the library's
 * column statistics (the encoder's standardiser), for noise scale and masking values.
 */
export function augmentCrops(
  rows: Float32Array,
  window: number,
  layout: ColumnLayout,
  stats: { mean: Float32Array; std: Float32Array },
  rng: Rng,
  options: AugmentOptions = DEFAULT_AUGMENT,
): void {
  const { D, mel } = layout;
  const B = rows.length / (window * D);
  const uniform = (a: number): number => (2 * rng.next() - 1) * a;
  const hit = (): boolean => rng.next() < options.p;
  const bands = mel.length;
  const offset = new Float32Array(bands);
  for (let b = 0; b < B; b++) {
    const base = b * window * D;
    // Gain, tilt and one EQ bell: one dB offset per band for the whole crop.
    offset.fill(0);
    const gain = hit() ? uniform(options.gainDb) : 0;
    const tilt = hit() ? uniform(options.tiltDb) : 0;
    const eq = hit() ? uniform(options.eqDb) : 0;
    const centre = rng.next() * (bands - 1);
    for (let m = 0; m < bands; m++) offset[m] = gain + tilt * (m / Math.max(1, bands - 1) - 0.5) + eq * Math.exp(-0.5 * ((m - centre) / 1.5) ** 2);
    for (let t = 0; t < window; t++) {
      const row = base + t * D;
      for (let m = 0; m < bands; m++) rows[row + mel[m]] += offset[m];
      for (const c of layout.levelDb) rows[row + c] += gain;
    }
    if (hit() && options.noise > 0) {
      for (let t = 0; t < window; t++) for (let c = 0; c < D; c++) rows[base + t * D + c] += options.noise * stats.std[c] * gaussian(rng);
    }
    if (hit() && options.maxBandMask > 0 && bands > 0) {
      const width = 1 + rng.int(options.maxBandMask);
      const first = rng.int(Math.max(1, bands - width + 1));
      for (let t = 0; t < window; t++) for (let m = first; m < Math.min(bands, first + width); m++) rows[base + t * D + mel[m]] = stats.mean[mel[m]];
    }
    if (hit() && options.maxStepMask > 0) {
      const width = 1 + rng.int(options.maxStepMask);
      const first = rng.int(Math.max(1, window - width + 1));
      for (let t = first; t < Math.min(window, first + width); t++) rows.set(stats.mean, base + t * D);
    }
  }
}
