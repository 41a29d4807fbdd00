/**
 * The ANN's saved copy and its refusals: a loaded index keeps following the library (a removed
 * track's segments go, a new track's come), a record that miscounts its rows is refused by
 * name, tracks past the key space are refused, and no candidates are asked for none.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 8;
const dir = mkdtempSync(join(tmpdir(), 'needledrop-ann-later-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function library(seed: number): SegmentStore {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 4; id++) store.addTrack(track(id, unitRows(rand, 6, d), d));
  return store;
}

it('a loaded index drops a removed track and adds a new one on the next sync', async () => {
  const cache = { path: join(dir, 'later.usearch'), key: 'm1' };
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(81));
  const store = library(81);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1, expansionSearch: 64, cache });
  await ann.sync(store);
  expect(ann.lastSync).toBe('loaded');
  expect(ann.size).toBe(24);
  const gone = store.rows().slice(store.firstRow(store.slotOf(2)) * d, (store.firstRow(store.slotOf(2)) + 6) * d);
  store.removeTrack(2);
  const fresh = unitRows(rng(82), 5, d);
  store.addTrack(track(9, fresh, d));
  await ann.sync(store);
  expect(ann.size).toBe(4 * 6 - 6 + 5);
  // Track 2's own rows no longer find it; track 9's find it at its own window start.
  expect(ann.candidates(gone, 6, 10).map((c) => c.trackId)).not.toContain(2);
  const [top] = ann.candidates(noisySlice(rng(83), fresh, d, 1, 3, 0.01), 3, 1);
  expect(top.trackId).toBe(9);
  expect(top.starts).toContain(1);
});

it('rebuilds rather than loads an index file that is not the one its record was written with (two writers of one cache)', async () => {
  const cache = { path: join(dir, 'two-writers.usearch'), key: 'm1' };
  const other = { path: join(dir, 'other.usearch'), key: 'm1' };
  // Writer B's index of another library with as many rows and the same track ids, saved aside;
  // writer A's index and record; then B's file lands over A's after A wrote its record.
  await new SegmentAnn(d, { stride: 1, threads: 1, cache: other }).sync(library(88));
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(87));
  renameSync(other.path, cache.path);
  const store = library(87);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1, expansionSearch: 64, cache });
  await ann.sync(store);
  expect(ann.lastSync).not.toBe('loaded');
  // Its answers are library 87's: each track's own rows find that track first.
  for (const id of [1, 2, 3, 4]) {
    const first = store.firstRow(store.slotOf(id));
    expect(ann.candidates(store.rows().slice(first * d, (first + 6) * d), 6, 1)[0].trackId).toBe(id);
  }
});

it('refuses a saved index whose record miscounts its rows, naming the file', async () => {
  const cache = { path: join(dir, 'miscount.usearch'), key: 'm1' };
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(84));
  const record = JSON.parse(readFileSync(`${cache.path}.json`, 'utf8')) as { rows: number };
  writeFileSync(`${cache.path}.json`, JSON.stringify({ ...record, rows: 23 }));
  await expect(new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(84))).rejects.toThrow(`${cache.path}: saved search index has 24 rows, its record says 23`);
});

it('refuses a track with more segments than a key can number, or an id past 2^47', async () => {
  const long = new SegmentStore(2);
  long.addTrack(track(1, unitRows(rng(85), 65_537, 2), 2));
  await expect(new SegmentAnn(2, { stride: 1, threads: 1 }).sync(long)).rejects.toThrow('track 1: id ≥ 2^47 or more than 65536 segments');
  const big = new SegmentStore(d);
  big.addTrack(track(2 ** 47, unitRows(rng(86), 3, d), d));
  await expect(new SegmentAnn(d, { stride: 1, threads: 1 }).sync(big)).rejects.toThrow(`track ${2 ** 47}: id ≥ 2^47`);
});

it('gives no candidates when none or fewer than none are asked for', async () => {
  const store = library(87);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1 });
  await ann.sync(store);
  const clip = store.rows().slice(0, 3 * d);
  expect(ann.candidates(clip, 3, 1).length).toBe(1);
  expect(ann.candidates(clip, 3, 0)).toEqual([]);
  expect(ann.candidates(clip, 3, -2)).toEqual([]);
});
