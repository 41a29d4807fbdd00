// The int8 scan at its edges: codes that do not fit the store, a library change while the kernel
// opens, and a one-block window that the best vote would put past the track's end.
import { expect, it } from 'vitest';
import { quantiseScan, SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 12;

function library(seed: number, tracks = 6, rows = 30): SegmentStore {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  for (let id = 1; id <= tracks; id++) store.addTrack(track(id, unitRows(rand, rows, d), d));
  return store;
}

it('refuses codes that do not hold the store kept rows, naming both counts', async () => {
  const store = library(1);
  const codes = await quantiseScan(store, 2);
  const short = { ...codes, weights: codes.weights.subarray(0, codes.weights.length - d) };
  const scan = new SegmentScan(d);
  await expect(scan.load(store, short)).rejects.toThrow(`scan codes hold ${short.weights.length} values, the store needs ${6 * 15} kept rows × ${d}`);
});

it('a library change while the kernel opens cancels the load, and the scan stays out of sync', async () => {
  const store = library(2);
  const codes = await quantiseScan(store, 2);
  const scan = new SegmentScan(d);
  const loading = scan.load(store, codes);
  // load() has read the store's version before its first await: this change lands while the kernel opens.
  store.addTrack(track(99, unitRows(rng(3), 10, d), d));
  await expect(loading).rejects.toMatchObject({ kind: 'cancelled' });
  expect(scan.inSync(store)).toBe(false);
});

it('with one clip block, never starts a window past the last whole one (n − m)', async () => {
  const store = library(4, 5, 60);
  const slot = store.slotOf(3);
  const src = store.rows().subarray(store.firstRow(slot) * d, (store.firstRow(slot) + 60) * d);
  const m = 20;
  // Clip rows 0..15 are track rows 44..59 (row 48, kept at stride 16, is clip row 4: window 44); rows 16..19 are noise.
  const clip = new Float32Array(m * d);
  clip.set(src.subarray(44 * d, 60 * d));
  clip.set(unitRows(rng(5), 4, d), 16 * d);
  const scan = new SegmentScan(d, { stride: 16 });
  await scan.sync(store);
  const got = await scan.scan(store, clip, m);
  expect(got.score.indexOf(Math.max(...got.score))).toBe(slot);
  expect(got.start[slot]).toBe(60 - m);
  for (let s = 0; s < store.trackCount; s++) expect(got.start[s]).toBeLessThanOrEqual(store.rowCount(s) - m);
  await scan.release();
});

it('of windows that score exactly alike (a track repeating itself), takes the first', async () => {
  const pattern = unitRows(rng(6), 4, d);
  const rows = new Float32Array(40 * d);
  for (let r = 0; r < 40; r++) rows.set(pattern.subarray((r % 4) * d, (r % 4 + 1) * d), r * d);
  const store = library(7, 3, 40);
  store.addTrack(track(50, rows, d));
  // Clip = rows 0..7: windows 0, 4, …, 32 hold it exactly, and their int8 votes are identical.
  const scan = new SegmentScan(d, { stride: 2 });
  await scan.sync(store);
  const got = await scan.scan(store, rows.slice(0, 8 * d), 8);
  const slot = store.slotOf(50);
  expect(got.score.indexOf(Math.max(...got.score))).toBe(slot);
  expect(got.start[slot]).toBe(0);
  // One row over and over: every window, of either residue mod the stride, scores the same.
  const still = new Float32Array(40 * d);
  for (let r = 0; r < 40; r++) still.set(pattern.subarray(0, d), r * d);
  store.addTrack(track(51, still, d));
  await scan.sync(store);
  const flat = await scan.scan(store, still.slice(0, 8 * d), 8);
  expect(flat.start[store.slotOf(51)]).toBe(0);
  await scan.release();
});

it('reports quantising progress every 32k rows and at the end', async () => {
  const store = new SegmentStore(2);
  const rand = rng(9);
  for (let id = 1; id <= 5; id++) store.addTrack(track(id, unitRows(rand, 16_384, 2), 2));
  const done: number[] = [];
  await quantiseScan(store, 4, { onProgress: (p) => done.push(p.done) });
  // Rows are counted per whole track: 2 tracks reach 32 768, 4 reach 65 536, then the last.
  expect(done).toEqual([32_768, 65_536, 81_920]);
});

it('refuses a store dim that is not a positive integer', () => {
  for (const dim of [0, -3, 2.5]) expect(() => new SegmentStore(dim)).toThrow(`segment dim must be a positive integer, got ${dim}`);
});
