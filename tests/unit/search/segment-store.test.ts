import { describe, expect, it } from 'vitest';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

function mean(rows: Float32Array): number[] {
  const out = new Array<number>(d).fill(0);
  for (let i = 0; i < rows.length; i++) out[i % d] += rows[i];
  const norm = Math.hypot(...out);
  return out.map((x) => x / norm);
}

describe('SegmentStore', () => {
  it('appends tracks as contiguous runs and keeps a normalised mean vector per track', () => {
    const rand = rng(1);
    const store = new SegmentStore(d, { blockRows: 4 });
    const a = unitRows(rand, 5, d);
    const b = unitRows(rand, 7, d);
    store.addTrack(track(10, a, d));
    store.addTrack(track(20, b, d));
    expect(store.segmentCount).toBe(12);
    expect(store.trackCount).toBe(2);
    const slot = store.slotOf(20);
    expect(store.firstRow(slot)).toBe(5);
    expect(store.rowCount(slot)).toBe(7);
    expect(Array.from(store.rows().subarray(5 * d, 12 * d))).toEqual(Array.from(b));
    const v = Array.from(store.trackVector(20));
    mean(b).forEach((x, i) => expect(v[i]).toBeCloseTo(x, 5));
  });

  it('removes a track by compacting the rows after it, and can take it back', () => {
    const rand = rng(2);
    const store = new SegmentStore(d, { blockRows: 3 });
    const runs = [unitRows(rand, 4, d), unitRows(rand, 6, d), unitRows(rand, 5, d)];
    runs.forEach((rows, i) => store.addTrack(track(i, rows, d)));
    const before = store.version;
    expect(store.removeTrack(1)).toBe(true);
    expect(store.removeTrack(1)).toBe(false);
    expect(store.version).toBeGreaterThan(before);
    expect(store.trackIds()).toEqual([0, 2]);
    expect(store.segmentCount).toBe(9);
    const slot = store.slotOf(2);
    expect(store.firstRow(slot)).toBe(4);
    expect(Array.from(store.rows().subarray(4 * d, 9 * d))).toEqual(Array.from(runs[2]));
    Array.from(store.trackVector(2)).forEach((x, i) => expect(x).toBeCloseTo(mean(runs[2])[i], 5));
    store.addTrack(track(1, runs[1], d));
    expect(store.firstRow(store.slotOf(1))).toBe(9);
    expect(Array.from(store.rows().subarray(9 * d))).toEqual(Array.from(runs[1]));
  });

  it('rejects malformed or duplicate tracks', () => {
    const store = new SegmentStore(d);
    const rows = unitRows(rng(3), 2, d);
    expect(() => store.addTrack(track(1, rows.subarray(0, d + 1), d))).toThrow(/multiple of dim/);
    expect(() => store.addTrack({ ...track(1, rows, d), starts: [0] })).toThrow(/start times/);
    expect(() => store.addTrack(track(-1, rows, d))).toThrow(/non-negative/);
    store.addTrack(track(1, rows, d));
    expect(() => store.addTrack(track(1, rows, d))).toThrow(/already/);
  });
});
