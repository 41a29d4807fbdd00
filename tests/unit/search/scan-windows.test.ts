/**
 * The scan's window starts and scores where the stride and the track length decide them: a start
 * that is not a multiple of the stride, the earliest of windows tied across residues, and a track
 * exactly as long as the clip scored by the same quantised vote as a longer copy of it. The
 * answers are fixed by construction (the clip is copied from a known place of a track).
 */
import { expect, it } from 'vitest';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

it('finds a clip copied from an odd start at stride 2 (three clip blocks)', async () => {
  const rand = rng(701);
  const rows = unitRows(rand, 20, d);
  const store = new SegmentStore(d);
  store.addTrack(track(1, unitRows(rand, 16, d), d));
  store.addTrack(track(2, rows, d));
  const scan = new SegmentScan(d, { stride: 2, threads: 1 });
  await scan.sync(store);
  for (const from of [5, 7, 10]) {
    const result = await scan.scan(store, rows.slice(from * d, (from + 6) * d), 6);
    expect(result.start[1]).toBe(from);
    expect(result.score[1]).toBeGreaterThan(0.97);
  }
  await scan.release();
});

it('gives the earliest of windows tied across residues (stride 2)', async () => {
  // Row 0 points elsewhere, rows 1-11 are all the same vector e; the clip is 6 rows of e.
  // Windows 1…6 all hear only e rows (tied); window 0 hears row 0. The earliest tied start is 1.
  const rand = rng(702);
  const e = unitRows(rand, 1, d);
  const rows = new Float32Array(12 * d);
  rows.set(unitRows(rand, 1, d));
  for (let r = 1; r < 12; r++) rows.set(e, r * d);
  const clip = new Float32Array(6 * d);
  for (let i = 0; i < 6; i++) clip.set(e, i * d);
  const store = new SegmentStore(d);
  store.addTrack(track(1, rows, d));
  const scan = new SegmentScan(d, { stride: 2, threads: 1 });
  await scan.sync(store);
  const result = await scan.scan(store, clip, 6);
  expect(result.start[0]).toBe(1);
  expect(result.score[0]).toBeCloseTo(1, 2);
  await scan.release();
});

it('scores a track exactly as long as the clip by the same vote as a longer copy of it', async () => {
  // Track 2 is track 1 plus one row opposite to its last: its window 0 is track 1's only window,
  // and window 1 is far worse, so both get window 0's score, from the same quantised votes.
  const rand = rng(703);
  const m = 4;
  const rows = unitRows(rand, m, d);
  const longer = new Float32Array((m + 1) * d);
  longer.set(rows);
  for (let x = 0; x < d; x++) longer[m * d + x] = -rows[(m - 1) * d + x];
  const store = new SegmentStore(d);
  store.addTrack(track(1, rows, d));
  store.addTrack(track(2, longer, d));
  store.addTrack(track(3, unitRows(rand, 9, d), d));
  const scan = new SegmentScan(d, { stride: 1, threads: 1 });
  await scan.sync(store);
  const result = await scan.scan(store, rows, m);
  expect(Array.from(result.start.subarray(0, 2))).toEqual([0, 0]);
  expect(result.score[0]).toBeCloseTo(1, 1);
  expect(result.score[0]).toBe(result.score[1]);
  const scores = await scan.scores(store, rows, m);
  expect(scores[0]).toBe(scores[1]);
  await scan.release();
});
