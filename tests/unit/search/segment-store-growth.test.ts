/**
 * The segment store's buffers grow as documented: rows by whole blocks and at least ×1.5, track
 * vectors by at least ×1.5 and 64 at first, and neither grows while what is needed still fits
 * (capacity read from the views' underlying buffers). In memory a row view shares those buffers.
 */
import { expect, it } from 'vitest';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 2;
const rowCapacity = (store: SegmentStore): number => store.rows().buffer.byteLength / 4 / d;
const trackCapacity = (store: SegmentStore): number => store.trackVectors().buffer.byteLength / 4 / d;

it('grows the rows by blocks of 4, at least ×1.5, and not while they fit', () => {
  const rand = rng(911);
  const store = new SegmentStore(d, { blockRows: 4 });
  const capacities: number[] = [];
  let id = 0;
  for (const n of [4, 4, 2, 2, 2, 7]) {
    store.addTrack(track(++id, unitRows(rand, n, d), d));
    capacities.push(rowCapacity(store));
  }
  // Rows needed 4, 8, 10, 12, 14, 21: blocks for max(needed, ⌈1.5 · capacity⌉) whenever needed > capacity.
  expect(capacities).toEqual([4, 8, 12, 12, 20, 32]);
});

it('grows the track vectors to 64, then ×1.5, and not while they fit', () => {
  const rand = rng(912);
  const store = new SegmentStore(d);
  const capacities = new Map<number, number>();
  for (let id = 1; id <= 97; id++) {
    store.addTrack(track(id, unitRows(rand, 1, d), d));
    capacities.set(id, trackCapacity(store));
  }
  expect([1, 64, 65, 96, 97].map((n) => capacities.get(n))).toEqual([64, 64, 96, 96, 144]);
});

it('gives rows in memory as a view of the store, not a copy', () => {
  const rows = unitRows(rng(913), 5, d);
  const store = new SegmentStore(d);
  store.addTrack(track(1, rows, d));
  const view = store.rowView(1, 3)!;
  expect(Array.from(view)).toEqual(Array.from(rows.subarray(d, 4 * d)));
  expect(view.buffer).toBe(store.rows().buffer);
});
