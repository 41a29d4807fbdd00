import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { fitStandardiser } from '../../../electron/engine/encoders/standardiser';

describe('fitStandardiser', () => {
  it('matches a plain two-pass mean/std over all rows of all sequences', () => {
    const random = seededRandom(7);
    const D = 5;
    const seqs = [12, 1, 30].map((T) => ({ D, data: Float32Array.from({ length: T * D }, (_, i) => 1000 + (i % D) * 3 + random() * (1 + (i % D))) }));
    const { mean, std } = fitStandardiser(seqs);
    const all = seqs.flatMap((s) => Array.from(s.data));
    for (let c = 0; c < D; c++) {
      const col = all.filter((_, i) => i % D === c);
      const m = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
      expect(mean[c]).toBeCloseTo(m, 3);
      expect(std[c]).toBeCloseTo(sd, 4);
    }
  });

  it('gives constant columns std 1 and rejects empty or ragged input', () => {
    const { mean, std } = fitStandardiser([{ D: 2, data: Float32Array.of(3, 1, 3, 2, 3, 3) }]);
    expect(mean[0]).toBe(3);
    expect(std[0]).toBe(1);
    expect(std[1]).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(() => fitStandardiser([])).toThrow(/no feature rows/);
    expect(() => fitStandardiser([{ D: 2, data: new Float32Array(4) }, { D: 3, data: new Float32Array(3) }])).toThrow(/disagree/);
  });
});
