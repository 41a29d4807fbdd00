import { describe, expect, it } from 'vitest';
import { segmentWindows } from '../../../electron/engine/encoders/segments';
import type { FeatureSeq } from '../../../electron/engine/features/types';

/** Row r, column c holds r * 100 + c, so every copied value says where it came from. */
function seq(T: number, D: number, start = 0): FeatureSeq {
  const data = new Float32Array(T * D);
  for (let r = 0; r < T; r++) for (let c = 0; c < D; c++) data[r * D + c] = r * 100 + c;
  return { step: 0.5, names: Array.from({ length: D }, (_, i) => `f${i}`), data, T, D, spec: 'test', start };
}

const row = (s: { data: Float32Array; window: number; D: number }, seg: number, r: number): number[] =>
  Array.from(s.data.subarray((seg * s.window + r) * s.D, (seg * s.window + r + 1) * s.D));

describe('segmentWindows', () => {
  it('cuts 8 s windows every 1 s by default and copies rows in order', () => {
    const s = segmentWindows(seq(40, 3, 10));
    expect(s.window).toBe(16);
    expect(s.n).toBe(Math.floor((40 - 16) / 2) + 1);
    expect(s.data.length).toBe(s.n * 16 * 3);
    expect(s.starts.slice(0, 3)).toEqual([10, 11, 12]);
    expect(s.starts[s.n - 1]).toBe(10 + (s.n - 1) * 2 * 0.5);
    for (const seg of [0, 5, s.n - 1]) {
      for (const r of [0, 7, 15]) expect(row(s, seg, r)).toEqual([0, 1, 2].map((c) => (seg * 2 + r) * 100 + c));
    }
  });

  it('pads a short sequence by repeating its last row', () => {
    const s = segmentWindows(seq(5, 2), { window: 8, hop: 2 });
    expect(s.n).toBe(1);
    expect(s.starts).toEqual([0]);
    expect(row(s, 0, 4)).toEqual([400, 401]);
    for (let r = 5; r < 8; r++) expect(row(s, 0, r)).toEqual([400, 401]);
  });

  it('gives one segment for a one-row sequence', () => {
    const s = segmentWindows(seq(1, 4));
    expect(s.n).toBe(1);
    expect(s.data.length).toBe(16 * 4);
    for (let r = 0; r < 16; r++) expect(row(s, 0, r)).toEqual([0, 1, 2, 3]);
  });

  it('gives exactly one unpadded segment when T equals the window', () => {
    const s = segmentWindows(seq(16, 2));
    expect(s.n).toBe(1);
    expect(row(s, 0, 15)).toEqual([1500, 1501]);
  });

  it('gives no segments for an empty sequence and rejects bad options', () => {
    expect(segmentWindows(seq(0, 3)).n).toBe(0);
    expect(() => segmentWindows(seq(10, 3), { hop: 0 })).toThrow(/hop/);
    expect(() => segmentWindows(seq(10, 3), { window: 2.5 })).toThrow(/window/);
  });
});
