import { describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { familySpace, profileSpace, trackProfile } from '../../../electron/engine/similarity/profile';

const BANDS = 40;

/** A track whose 40 mel bands hold `band(b, t)` at step t, plus an `rms_db` and an `onset` column. */
function track(T: number, band: (b: number, t: number) => number, rms: (t: number) => number, onset: (t: number) => number): FeatureSeq {
  const names = ['rms_db', ...Array.from({ length: BANDS }, (_, i) => `mel_${String(i).padStart(2, '0')}`), 'onset'];
  const D = names.length;
  const data = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    data[t * D] = rms(t);
    for (let b = 0; b < BANDS; b++) data[t * D + 1 + b] = band(b, t);
    data[t * D + D - 1] = onset(t);
  }
  return { spec: 'test', T, D, step: 0.5, start: 0, names, data };
}

describe('the track profile (stored-feature families)', () => {
  it('a steady pure DCT row: its shape, no spread, one MFCC; loudness percentiles and a column’s moments by hand', () => {
    // Bands = 3·cos(π·5·(m+½)/40) − 20 at every step. By hand (Σ_m cos² = 20): the orthonormal
    // MFCC 5 is 3·√(2/40)·20 = 3·√20 and every other MFCC 1–39 is 0; nothing moves, so every
    // spread is 0; the band shape is the cosine itself (its mean over bands is 0).
    const shape = (b: number): number => 3 * Math.cos((Math.PI * 5 * (b + 0.5)) / BANDS);
    const T = 101;
    const p = trackProfile(track(T, (b) => shape(b) - 20, (t) => t, (t) => [1, 3, 2, 6][t % 4]));
    const ltas = p.get('ltas_shape') as Float64Array;
    for (let b = 0; b < BANDS; b++) expect(ltas[b]).toBeCloseTo(shape(b), 4);
    expect(Math.max(...(p.get('mel_std') as Float64Array))).toBeCloseTo(0, 5);
    const mfcc = p.get('mfcc1_19_mean') as Float64Array;
    mfcc.forEach((v, i) => expect(v).toBeCloseTo(i === 4 ? 3 * Math.sqrt(20) : 0, 3));
    expect(Math.max(...(p.get('mfcc20_39_mean') as Float64Array).map(Math.abs))).toBeCloseTo(0, 3);
    // rms_db = 0, 1, …, 100: its 5/25/50/75/95th percentiles are 5, 25, 50, 75, 95.
    [...(p.get('rms_pct') as Float64Array)].forEach((v, i) => expect(v).toBeCloseTo([5, 25, 50, 75, 95][i], 6));
    // rms_db's own mean, std (of 0..100: √850) and mean |Δ| (1).
    const rms = p.get('rms_db') as Float64Array;
    expect(rms[0]).toBeCloseTo(50, 6);
    expect(rms[1]).toBeCloseTo(Math.sqrt(850), 4);
    expect(rms[2]).toBeCloseTo(1, 6);
  });

  it('percentiles of a band that alternates between two levels; a clear error naming the track', () => {
    // A band at −60 in 80 % of the steps and −10 in 20 %: its 10th percentile −60, its 90th −10;
    // every other band stays at −40. Centred over bands.
    const T = 50;
    const p = trackProfile(track(T, (b, t) => (b === 7 ? (t % 5 === 0 ? -10 : -60) : -40), () => 0, () => 0));
    const p90 = p.get('mel_p90') as Float64Array;
    const p10 = p.get('mel_p10') as Float64Array;
    expect(p90[7] - p90[0]).toBeCloseTo(30, 4);
    expect(p10[7] - p10[0]).toBeCloseTo(-20, 4);
    const short = track(1, () => 0, () => 0, () => 0);
    expect(() => trackProfile(short, 'a/b.ogg')).toThrow(/a\/b\.ogg/);
  });

  it('every family weighs the same after z-scoring, whatever its size; production families weigh their weight', () => {
    // Two tracks: any non-constant column z-scores to ±1. A 1-value family then adds 1 to a row's
    // squared norm, a 4-value family 4·(1/√4)² = 1, a 2-value family of weight 3 adds 2·(3/√2)² = 9:
    // the unit row is [±1, ±½ ×4, ±3/√2 ×2] / √11.
    const { data, dim } = familySpace(
      [
        { name: 'a', dim: 1, rows: Float32Array.from([5, 7]), weight: 1 },
        { name: 'b', dim: 4, rows: Float32Array.from([0, 1, 2, 3, 1, 2, 3, 4]), weight: 1 },
        { name: 'c', dim: 2, rows: Float32Array.from([1, 1, 2, 0]), weight: 3 },
      ],
      2,
    );
    expect(dim).toBe(7);
    const s = Math.sqrt(11);
    const want = [-1, -0.5, -0.5, -0.5, -0.5, -3 / Math.SQRT2, 3 / Math.SQRT2].map((x) => x / s);
    want.forEach((w, i) => {
      expect(data[i]).toBeCloseTo(w, 5);
      expect(data[dim + i]).toBeCloseTo(-w, 5);
    });
  });

  it('the profile space: unit rows; production signatures join when tracks have them, a track without one sits at their mean', () => {
    const seqs = [0, 1, 2].map((k) => track(20, (b, t) => -30 + k * (b % 3) + Math.sin(t + k), (t) => -20 + k + (t % 2), (t) => (t * k) % 3));
    const plain = profileSpace(seqs, { augment: null });
    const sig = (x: number): Float32Array => Float32Array.from([x, -x, 2 * x, x]);
    const withSig = profileSpace(seqs, { production: [sig(1), sig(3), undefined], augment: null });
    expect(withSig.dim).toBe(plain.dim + 4);
    for (const v of [plain, withSig]) {
      for (let i = 0; i < 3; i++) expect(Math.hypot(...v.data.subarray(i * v.dim, (i + 1) * v.dim))).toBeCloseTo(1, 5);
    }
    // Track 2 has no signature: its production part is the mean of the others' → z-score 0.
    for (let d = plain.dim; d < withSig.dim; d++) expect(withSig.data[2 * withSig.dim + d]).toBeCloseTo(0, 6);
    // A lone signature is no spread to z-score: left out.
    expect(profileSpace(seqs, { production: [sig(1), undefined, undefined], augment: null }).dim).toBe(plain.dim);
  });
});
