// The ANN index against exact brute-force nearest neighbours (on a library small enough that
// HNSW's beam covers every row), and its saved copy refused whenever it might not fit the store.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { dotRows } from '../../../electron/engine/search/kernels';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 16;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-ann-exact-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Votes by definition: per clip row, its k most similar rows of the whole library; a track's vote sums its best of them per clip row. */
function bruteVotes(store: SegmentStore, clip: Float32Array, m: number, k: number): Array<{ trackId: number; vote: number }> {
  const rows = store.rows();
  const votes = new Map<number, number>();
  for (let q = 0; q < m; q++) {
    const all: Array<{ id: number; sim: number }> = [];
    for (let slot = 0; slot < store.trackCount; slot++) {
      for (let r = 0; r < store.rowCount(slot); r++) all.push({ id: store.idAt(slot), sim: dotRows(clip, q, rows, store.firstRow(slot) + r, d) });
    }
    all.sort((a, b) => b.sim - a.sim);
    const best = new Map<number, number>();
    for (const { id, sim } of all.slice(0, k)) best.set(id, Math.max(best.get(id) ?? -Infinity, sim));
    for (const [id, sim] of best) votes.set(id, (votes.get(id) ?? 0) + sim);
  }
  return [...votes].map(([trackId, vote]) => ({ trackId, vote })).sort((a, b) => b.vote - a.vote || a.trackId - b.trackId);
}

function library(seed: number): SegmentStore {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 12; id++) store.addTrack(track(id * 3, unitRows(rand, 15, d), d));
  return store;
}

it('votes exactly like brute-force nearest neighbours, best first (ties by id)', async () => {
  const store = library(5);
  const ann = new SegmentAnn(d, { stride: 1, expansionSearch: 512, expansionAdd: 256, threads: 1 });
  await ann.sync(store);
  const slot = store.slotOf(21);
  const clip = noisySlice(rng(6), store.rows(), d, store.firstRow(slot) + 4, 6, 0.4);
  for (const k of [3, 8]) {
    const want = bruteVotes(store, clip, 6, k);
    const got = ann.candidates(clip, 6, 50, k);
    expect(got.map((c) => c.trackId)).toEqual(want.map((w) => w.trackId));
    for (let i = 0; i < want.length; i++) expect(got[i].vote).toBeCloseTo(want[i].vote, 4);
  }
  expect(ann.candidates(clip, 6, 2, 8)).toHaveLength(2);
});

it('never loads a saved index for other track ids, a lost index file or an unreadable record', async () => {
  const rand = rng(7);
  const rows = unitRows(rand, 20, d);
  const cache = { path: join(dir, 'ann.usearch'), key: 'm1' };
  const one = new SegmentStore(d);
  one.addTrack(track(1, rows, d));
  const first = new SegmentAnn(d, { stride: 1, cache });
  await first.sync(one);
  expect(first.lastSync).toBe('built');
  const again = new SegmentAnn(d, { stride: 1, cache });
  await again.sync(one);
  expect(again.lastSync).toBe('loaded');

  // The same rows under another id: the saved keys would name track 1.
  const two = new SegmentStore(d);
  two.addTrack(track(2, rows, d));
  const other = new SegmentAnn(d, { stride: 1, cache });
  await other.sync(two);
  expect(other.lastSync).toBe('built');
  expect(other.candidates(rows.subarray(0, 4 * d), 4, 5).map((c) => c.trackId)).toEqual([2]);

  rmSync(cache.path);
  expect(existsSync(`${cache.path}.json`)).toBe(true);
  const lost = new SegmentAnn(d, { stride: 1, cache });
  await lost.sync(two);
  expect(lost.lastSync).toBe('built');

  writeFileSync(`${cache.path}.json`, '{ not json');
  const unreadable = new SegmentAnn(d, { stride: 1, cache });
  await unreadable.sync(two);
  expect(unreadable.lastSync).toBe('built');
});

it('reports build progress per chunk, with a rate that fits the time the build took', async () => {
  const store = library(8);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1 });
  const events: Array<{ done: number; total: number; rate: number; etaSeconds: number }> = [];
  const t0 = performance.now();
  await ann.sync(store, { chunkRows: 50, onProgress: (p) => events.push(p) });
  const wall = (performance.now() - t0) / 1000;
  // 12 tracks of 15 rows, whole tracks per chunk of ≤ 50 rows: 3 tracks (45 rows) a chunk.
  expect(events.map((e) => e.done)).toEqual([45, 90, 135, 180]);
  for (const e of events) {
    expect(e.total).toBe(180);
    // done / rate is the build's own elapsed time, which cannot exceed the wall time around it (not a speed check: it holds at any speed).
    expect(e.done / e.rate).toBeLessThanOrEqual(wall + 1e-3);
    expect(e.etaSeconds).toBeCloseTo((e.total - e.done) / e.rate, 9);
  }
});
