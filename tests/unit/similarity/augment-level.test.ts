/**
 * Crop augmentation's level changes as its options describe them: a gain adds the same dB to
 * every mel band and to rms_db (a louder or quieter mix), a tilt adds a straight line across the
 * bands centred on zero; columns that are not levels stay as they were.
 */
import { describe, expect, it } from 'vitest';
import { augmentCrops, columnLayout, type AugmentOptions } from '../../../electron/engine/similarity/augment';
import { createRng } from '../../../electron/engine/util/prng';

// Mel bands listed out of order, rms_db and two other descriptors in between.
const NAMES = ['mel_02', 'centroid', 'mel_00', 'rms_db', 'mel_01', 'flux', 'mel_03'];
const NONE: AugmentOptions = { gainDb: 0, tiltDb: 0, eqDb: 0, noise: 0, maxBandMask: 0, maxStepMask: 0, p: 1 };
const window = 3;
const crops = 4;

function run(options: AugmentOptions, seed: number): Float32Array {
  const layout = columnLayout(NAMES);
  expect(layout).toEqual({ D: 7, mel: [2, 4, 0, 6], levelDb: [3] });
  const rows = new Float32Array(crops * window * NAMES.length);
  const D = NAMES.length;
  augmentCrops(rows, window, layout, { mean: new Float32Array(D), std: new Float32Array(D).fill(1) }, createRng(seed), options);
  return rows;
}

const cell = (rows: Float32Array, crop: number, t: number, name: string): number => rows[(crop * window + t) * NAMES.length + NAMES.indexOf(name)];

describe('augmentCrops', () => {
  it('a gain: one offset per crop on every mel band and rms_db, within ± gainDb, nothing else', () => {
    const rows = run({ ...NONE, gainDb: 6 }, 5);
    const gains = new Set<number>();
    for (let b = 0; b < crops; b++) {
      const g = cell(rows, b, 0, 'rms_db');
      expect(Math.abs(g)).toBeLessThanOrEqual(6);
      expect(g).not.toBe(0);
      gains.add(g);
      for (let t = 0; t < window; t++) {
        for (const name of ['mel_00', 'mel_01', 'mel_02', 'mel_03', 'rms_db']) expect(cell(rows, b, t, name), `${name} crop ${b}`).toBeCloseTo(g, 5);
        for (const name of ['centroid', 'flux']) expect(cell(rows, b, t, name)).toBe(0);
      }
    }
    expect(gains.size).toBe(crops);
  });

  it('a tilt: a line across the bands in their order (mel_00 … mel_03), centred on zero; rms_db untouched', () => {
    const rows = run({ ...NONE, tiltDb: 6 }, 6);
    for (let b = 0; b < crops; b++) {
      const bands = ['mel_00', 'mel_01', 'mel_02', 'mel_03'].map((n) => cell(rows, b, 1, n));
      const step = bands[1] - bands[0];
      // Offsets tilt · (m / 3 − 0.5): −½, −⅙, ⅙, ½ of the tilt: equal steps, summing to zero, ends within ± tiltDb / 2.
      for (let m = 1; m < 4; m++) expect(bands[m] - bands[m - 1]).toBeCloseTo(step, 5);
      expect(bands.reduce((a, v) => a + v, 0)).toBeCloseTo(0, 5);
      expect(Math.abs(bands[3])).toBeLessThanOrEqual(3);
      expect(cell(rows, b, 1, 'rms_db')).toBe(0);
    }
  });
});
