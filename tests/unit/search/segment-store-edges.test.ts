/**
 * The segment store at its edges: refusals by kind and message, a zero vector kept zero, lookups of
 * unknown ids, the generation each slot was added at, a row buffer growing by blocks of one row,
 * and track vectors past the first 64 slots (the vector buffer's first growth). Truths are
 * written out here: means summed by hand, generations counted from the adds.
 */
import { describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import { checkedRowCount, meanRow, normalizeInPlace, SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('refusals', () => {
  it('a bad track id is an internal NeedledropError naming the id', () => {
    const err = thrown(() => checkedRowCount({ id: -3, embeddings: new Float32Array(4), starts: [0] }, 4));
    expect(err).toBeInstanceOf(NeedledropError);
    expect((err as NeedledropError).kind).toBe('internal');
    expect((err as NeedledropError).message).toBe('track id must be a non-negative integer, got -3');
  });

  it('a track with no rows is refused, not stored as an empty track', () => {
    const store = new SegmentStore(4);
    const err = thrown(() => store.addTrack(track(7, new Float32Array(0), 4)));
    expect((err as NeedledropError).kind).toBe('internal');
    expect((err as NeedledropError).message).toBe('track 7: 0 embedding values is not a positive multiple of dim 4');
    expect(store.trackCount).toBe(0);
    expect(store.has(7)).toBe(false);
  });
});

describe('vectors', () => {
  it('a zero vector stays zero (no NaN from 1/0)', () => {
    expect(Array.from(normalizeInPlace(new Float32Array(5)))).toEqual([0, 0, 0, 0, 0]);
    // Rows that cancel out have a zero mean: the track vector is zero too.
    const rows = Float32Array.of(1, -2, 3, -1, 2, -3);
    expect(Array.from(meanRow(rows, 2, 3, new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it('gives every track its own normalised mean past the first 64 slots', () => {
    const d = 4;
    const rand = rng(501);
    const store = new SegmentStore(d);
    const all: Float32Array[] = [];
    for (let id = 0; id < 70; id++) {
      const rows = unitRows(rand, 2 + (id % 3), d);
      all.push(rows);
      store.addTrack(track(id, rows, d));
    }
    for (const id of [0, 63, 64, 65, 69]) {
      const rows = all[id];
      const sum = [0, 0, 0, 0];
      for (let i = 0; i < rows.length; i++) sum[i % d] += rows[i];
      const norm = Math.hypot(...sum);
      const got = Array.from(store.trackVector(id));
      expect(got).toHaveLength(d);
      got.forEach((v, x) => expect(v).toBeCloseTo(sum[x] / norm, 5));
    }
  });
});

describe('lookups', () => {
  it('says which tracks it has, and -1 for the slot of an unknown id', () => {
    const d = 3;
    const store = new SegmentStore(d);
    store.addTrack(track(11, unitRows(rng(502), 2, d), d));
    store.addTrack(track(12, unitRows(rng(503), 3, d), d));
    expect(store.has(11)).toBe(true);
    expect(store.has(12)).toBe(true);
    expect(store.has(13)).toBe(false);
    expect(store.slotOf(12)).toBe(1);
    expect(store.slotOf(13)).toBe(-1);
    store.removeTrack(11);
    expect(store.has(11)).toBe(false);
    expect(store.slotOf(11)).toBe(-1);
    expect(store.slotOf(12)).toBe(0);
  });

  it('an in-memory store is not on disk', () => {
    const store = new SegmentStore(2);
    expect(store.onDisk).toBe(false);
    store.addTrack(track(1, unitRows(rng(504), 2, 2), 2));
    expect(store.onDisk).toBe(false);
  });

  it('records the store version each slot was added at, following removals', () => {
    const d = 2;
    const rand = rng(505);
    const store = new SegmentStore(d);
    // Versions count changes: adds at 0, 1, 2; the removal is change 3; the re-add is at 4.
    store.addTrack(track(1, unitRows(rand, 2, d), d));
    store.addTrack(track(2, unitRows(rand, 2, d), d));
    store.addTrack(track(3, unitRows(rand, 2, d), d));
    expect([0, 1, 2].map((s) => store.generationAt(s))).toEqual([0, 1, 2]);
    store.removeTrack(1);
    store.addTrack(track(1, unitRows(rand, 2, d), d));
    expect(store.trackIds()).toEqual([2, 3, 1]);
    expect([0, 1, 2].map((s) => store.generationAt(s))).toEqual([1, 2, 4]);
  });
});

describe('row buffer', () => {
  it.each([0, -4])('a block size of %d is taken as 1 row: the rows are all kept', (blockRows) => {
    const d = 3;
    const rand = rng(506);
    const store = new SegmentStore(d, { blockRows });
    const a = unitRows(rand, 4, d);
    const b = unitRows(rand, 5, d);
    store.addTrack(track(1, a, d));
    store.addTrack(track(2, b, d));
    expect(Array.from(store.rows())).toEqual([...a, ...b]);
    expect(store.segmentCount).toBe(9);
  });
});
