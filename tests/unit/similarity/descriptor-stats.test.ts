import { describe, expect, it } from 'vitest';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { descriptorStatsSpace, statNames, trackStats, zScoreColumns } from '../../../electron/engine/similarity/descriptor-stats';

const BANDS = 40;

/**
 * A track whose log-mel frame at step t is a_t · cos(π k (m + ½) / 40) + offset: a pure DCT-II
 * basis row. By hand (Σ_m cos² = 40/2), its orthonormal coefficient k is a_t · √(2/40) · 20 =
 * a_t · √20, every other coefficient ≥ 1 is 0, and the constant offset only moves coefficient 0.
 * The mel columns are stored after two other columns, and in reverse band order, to check the
 * names decide which column is which band.
 */
function cosineTrack(k: number, amps: number[], offset: number, extra: number[][]): FeatureSeq {
  const names = ['rms_db', 'flatness', ...Array.from({ length: BANDS }, (_, i) => `mel_${String(BANDS - 1 - i).padStart(2, '0')}`)];
  const D = names.length;
  const T = amps.length;
  const data = new Float32Array(T * D);
  for (let t = 0; t < T; t++) {
    data[t * D] = extra[t][0];
    data[t * D + 1] = extra[t][1];
    for (let c = 2; c < D; c++) {
      const m = BANDS - 1 - (c - 2);
      data[t * D + c] = amps[t] * Math.cos((Math.PI * k * (m + 0.5)) / BANDS) + offset;
    }
  }
  return { names, data, T, D, step: 0.5, spec: 'test', start: 0 };
}

describe('descriptor statistics', () => {
  const amps = [1, 3, 2, 6];
  // mean 3, population std √((4 + 0 + 1 + 9)/4) = √3.5
  const extra = [
    [-20, 0.1],
    [-10, 0.3],
    [-20, 0.1],
    [-10, 0.3],
  ];
  const seq = cosineTrack(5, amps, -40, extra);

  it('MFCC k of a pure cosine across the bands is a·√20, the other coefficients 0; mean and std over steps', () => {
    const s = trackStats(seq, 'mfcc');
    expect(s.length).toBe(38);
    const names = statNames(seq.names, 'mfcc');
    for (let k = 1; k <= 19; k++) {
      const mean = s[names.indexOf(`mfcc_${k}.mean`)];
      const std = s[names.indexOf(`mfcc_${k}.std`)];
      if (k === 5) {
        expect(mean).toBeCloseTo(3 * Math.sqrt(20), 3);
        expect(std).toBeCloseTo(Math.sqrt(3.5) * Math.sqrt(20), 3);
      } else {
        expect(Math.abs(mean)).toBeLessThan(1e-3);
        expect(Math.abs(std)).toBeLessThan(1e-3);
      }
    }
  });

  it('the descriptors variant adds every other column’s mean and std', () => {
    const s = trackStats(seq, 'descriptors');
    const names = statNames(seq.names, 'descriptors');
    expect(names.slice(38)).toEqual(['rms_db.mean', 'rms_db.std', 'flatness.mean', 'flatness.std']);
    expect(s[names.indexOf('rms_db.mean')]).toBeCloseTo(-15, 5);
    expect(s[names.indexOf('rms_db.std')]).toBeCloseTo(5, 5);
    expect(s[names.indexOf('flatness.mean')]).toBeCloseTo(0.2, 5);
    expect(s[names.indexOf('flatness.std')]).toBeCloseTo(0.1, 5);
  });

  it('z-scoring gives each column mean 0 and std 1 over the tracks; a constant column becomes 0', () => {
    const rows = Float32Array.from([1, 5, 2, 5, 3, 5, 6, 5]);
    zScoreColumns(rows, 2);
    const col0 = [rows[0], rows[2], rows[4], rows[6]];
    // by hand: values 1,2,3,6 → mean 3, std √((4+1+0+9)/4) = √3.5
    expect(col0.map((v) => v.toFixed(4))).toEqual([1, 2, 3, 6].map((v) => ((v - 3) / Math.sqrt(3.5)).toFixed(4)));
    expect([rows[1], rows[3], rows[5], rows[7]]).toEqual([0, 0, 0, 0]);
  });

  it('the space puts two tracks with the same timbre closer than a third with another', () => {
    const a = cosineTrack(5, [1, 3, 2, 6], -40, extra);
    const b = cosineTrack(5, [1.2, 2.8, 2.1, 5.5], -41, extra);
    const c = cosineTrack(9, [1, 3, 2, 6], -40, extra);
    const { data, dim } = descriptorStatsSpace([a, b, c], 'mfcc');
    const dist = (i: number, j: number) => Math.hypot(...Array.from({ length: dim }, (_, d) => data[i * dim + d] - data[j * dim + d]));
    expect(dist(0, 1)).toBeLessThan(dist(0, 2));
  });

  it('features without 20 mel bands are refused, naming the track', () => {
    const bad: FeatureSeq = { names: ['rms_db'], data: new Float32Array(2), T: 2, D: 1, step: 0.5, spec: 'x', start: 0 };
    expect(() => trackStats(bad, 'mfcc', '/music/a.ogg')).toThrow(/\/music\/a\.ogg: .*0 mel bands/);
  });
});
