/**
 * The ANN's candidates against brute force, on a library small enough that HNSW's beam covers
 * every row: each track's vote is the sum over clip rows of its best hit among that row's k
 * nearest, and its proposed window starts are exactly the distinct (hit segment − clip row);
 * exact ties in vote go to the lower id; fewer than one track asked gives none.
 */
import { expect, it } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { dotRows } from '../../../electron/engine/search/kernels';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 16;

/** By definition: per clip row its k most similar library rows; per track the best of them summed, and every hit's start. */
function brute(store: SegmentStore, clip: Float32Array, m: number, k: number): Map<number, { vote: number; starts: number[] }> {
  const rows = store.rows();
  const out = new Map<number, { vote: number; starts: number[] }>();
  for (let q = 0; q < m; q++) {
    const all: Array<{ id: number; segment: number; sim: number }> = [];
    for (let slot = 0; slot < store.trackCount; slot++) {
      for (let r = 0; r < store.rowCount(slot); r++) all.push({ id: store.idAt(slot), segment: r, sim: dotRows(clip, q, rows, store.firstRow(slot) + r, d) });
    }
    all.sort((a, b) => b.sim - a.sim);
    const best = new Map<number, number>();
    for (const { id, segment, sim } of all.slice(0, k)) {
      best.set(id, Math.max(best.get(id) ?? -Infinity, sim));
      const entry = out.get(id) ?? { vote: 0, starts: [] };
      if (!entry.starts.includes(segment - q)) entry.starts.push(segment - q);
      out.set(id, entry);
    }
    for (const [id, sim] of best) out.get(id)!.vote += sim;
  }
  return out;
}

it('votes and proposes window starts exactly as brute force does, for one clip row and for several', async () => {
  const rand = rng(101);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 10; id++) store.addTrack(track(id, unitRows(rand, 14, d), d));
  const ann = new SegmentAnn(d, { stride: 1, expansionSearch: 512, expansionAdd: 256, threads: 1 });
  await ann.sync(store);
  const slot = store.slotOf(4);
  for (const m of [1, 5]) {
    const clip = noisySlice(rng(102 + m), store.rows(), d, store.firstRow(slot) + 3, m, 0.5);
    for (const k of [4, 9]) {
      const want = brute(store, clip, m, k);
      const got = ann.candidates(clip, m, 50, k);
      expect(got.map((c) => c.trackId).sort((a, b) => a - b)).toEqual([...want.keys()].sort((a, b) => a - b));
      for (const c of got) {
        expect(c.vote).toBeCloseTo(want.get(c.trackId)!.vote, 4);
        expect([...c.starts].sort((a, b) => a - b)).toEqual([...want.get(c.trackId)!.starts].sort((a, b) => a - b));
      }
      for (let i = 1; i < got.length; i++) expect(got[i].vote).toBeLessThanOrEqual(got[i - 1].vote);
    }
  }
});

it('ranks tracks of equal vote by id, and gives nothing for fewer than one track', async () => {
  const rows = unitRows(rng(103), 6, d);
  const store = new SegmentStore(d);
  // Three copies of the same rows: exactly equal votes.
  for (const id of [30, 10, 20]) store.addTrack(track(id, rows.slice(), d));
  const ann = new SegmentAnn(d, { stride: 1, expansionSearch: 64, threads: 1 });
  await ann.sync(store);
  const clip = rows.slice(2 * d, 4 * d);
  const all = ann.candidates(clip, 2, 3, 18);
  expect(all.map((c) => c.trackId)).toEqual([10, 20, 30]);
  expect(all[0].vote).toBe(all[2].vote);
  expect(ann.candidates(clip, 2, 1, 18).map((c) => c.trackId)).toEqual([10]);
  expect(ann.candidates(clip, 2, -1, 18)).toEqual([]);
  expect(ann.candidates(clip, 2, 0.5, 18)).toEqual([]);
});
