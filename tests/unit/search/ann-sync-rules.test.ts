/**
 * How the ANN index keeps up with its store: an unchanged store is not touched again; an update
 * indexes only the tracks that changed (its progress counts them, with a rate read from the
 * clock); a cancel says what it stopped; a track of exactly 2^16 segments fits the key space and
 * one more does not; the option defaults are the documented ones (an index saved with them
 * spelled out is reused); a saved index is never loaded for another layout of the same rows,
 * nor over an index this session already holds.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import type { AnnBuildProgress } from '../../../electron/engine/search/types';
import { rng, track, unitRows } from './synthetic';

const d = 8;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-ann-sync-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function library(seed: number, ids: number[], rows = 10): SegmentStore {
  const store = new SegmentStore(d);
  for (const id of ids) store.addTrack(track(id, unitRows(rng(seed + id), rows, d), d));
  return store;
}

it('leaves an unchanged store alone, and an update indexes only the tracks that changed', async () => {
  const store = library(110, [1, 2, 3, 4]);
  const ann = new SegmentAnn(d, { stride: 2, threads: 1 });
  expect(ann.lastSync).toBeNull();
  await ann.sync(store);
  expect(ann.lastSync).toBe('built');
  const reports: AnnBuildProgress[] = [];
  await ann.sync(store, { onProgress: (p) => reports.push(p) });
  expect(ann.lastSync).toBe('current');
  expect(reports).toEqual([]);

  store.removeTrack(2);
  store.addTrack(track(5, unitRows(rng(115), 7, d), d));
  await ann.sync(store, { onProgress: (p) => reports.push(p) });
  expect(ann.lastSync).toBe('built');
  // Only track 5 is added: rows 0, 2, 4, 6 of its 7.
  expect(reports.map((p) => [p.done, p.total])).toEqual([[4, 4]]);
  expect(ann.size).toBe(3 * 5 + 4);
});

it('after loading a saved index, indexes only what changed since', async () => {
  const cache = { path: join(dir, 'ann.usearch'), key: 'v1' };
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(120, [1, 2, 3]));
  const store = library(120, [1, 2, 3]);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1, cache });
  await ann.sync(store);
  expect(ann.lastSync).toBe('loaded');
  store.addTrack(track(9, unitRows(rng(129), 6, d), d));
  const reports: AnnBuildProgress[] = [];
  await ann.sync(store, { onProgress: (p) => reports.push(p) });
  expect(reports.map((p) => [p.done, p.total])).toEqual([[6, 6]]);
  expect(ann.size).toBe(36);
});

it('reports its rate from the time since the update started', async () => {
  let clock = 5000;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  const store = library(130, [1, 2, 3]);
  const reports: AnnBuildProgress[] = [];
  // 10 rows a call; 2 s pass during each report.
  await new SegmentAnn(d, { stride: 1, threads: 1 }).sync(store, {
    chunkRows: 10,
    onProgress: (p) => {
      reports.push(p);
      clock += 2000;
    },
  });
  expect(reports.map((p) => p.done)).toEqual([10, 20, 30]);
  // The first report comes at 0 s (the rate is then capped by a 1 µs floor), the others 2 and 4 s in.
  expect(reports[0].rate).toBeCloseTo(10 / 1e-6, 0);
  expect(reports[1]).toEqual({ done: 20, total: 30, rate: 10, etaSeconds: 1 });
  expect(reports[2]).toEqual({ done: 30, total: 30, rate: 7.5, etaSeconds: 0 });
});

it('says what a cancel stopped', async () => {
  const controller = new AbortController();
  controller.abort();
  const ann = new SegmentAnn(d);
  await expect(ann.sync(library(140, [1]), { signal: controller.signal })).rejects.toMatchObject({
    kind: 'cancelled',
    message: 'building the search index cancelled',
  });
  // A sync that did not finish found nothing current: still no sync to report.
  expect(ann.lastSync).toBeNull();
  expect(ann.size).toBe(0);
});

it('takes a track of exactly 2^16 segments, and calls one more, or a miscounted saved index, internal errors', async () => {
  const n = 1 << 16;
  const rows = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) rows.set([Math.cos(r / 1000), Math.sin(r / 1000)], 2 * r);
  const fits = new SegmentStore(2);
  fits.addTrack(track(1, rows, 2));
  const ann = new SegmentAnn(2, { stride: 4096, threads: 1 });
  await ann.sync(fits);
  expect(ann.size).toBe(16);
  const [top] = ann.candidates(rows.slice(61440 * 2, 61441 * 2), 1, 1, 1);
  expect(top).toMatchObject({ trackId: 1, starts: [61440] });

  const over = new SegmentStore(2);
  over.addTrack(track(1, new Float32Array((n + 1) * 2).fill(0.5), 2));
  await expect(new SegmentAnn(2, { stride: 4096, threads: 1 }).sync(over)).rejects.toMatchObject({ kind: 'internal', message: `track 1: id ≥ 2^47 or more than ${n} segments` });

  const cache = { path: join(dir, 'ann.usearch'), key: 'v1' };
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(150, [1, 2]));
  const record = JSON.parse(readFileSync(`${cache.path}.json`, 'utf8')) as { rows: number };
  writeFileSync(`${cache.path}.json`, JSON.stringify({ ...record, rows: record.rows + 1 }));
  await expect(new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(150, [1, 2]))).rejects.toMatchObject({ kind: 'internal' });
});

it('reuses an index saved with the documented defaults spelled out (connectivity 16, expansionAdd 64, stride 2)', async () => {
  const cache = { path: join(dir, 'ann.usearch'), key: 'v1' };
  await new SegmentAnn(d, { connectivity: 16, expansionAdd: 64, stride: 2, threads: 1, cache }).sync(library(160, [1, 2, 3]));
  const ann = new SegmentAnn(d, { threads: 1, cache });
  await ann.sync(library(160, [1, 2, 3]));
  expect(ann.lastSync).toBe('loaded');
  expect(ann.size).toBe(15);
});

it('never loads a saved index for another layout of the same rows', async () => {
  const rows = unitRows(rng(170), 18, d);
  const slice = (from: number, to: number): Float32Array => rows.slice(from * d, to * d);
  const layouts: Array<Array<[number, number, number]>> = [
    [[1, 0, 8], [2, 8, 12], [3, 12, 18]], // saved first
    [[1, 0, 8], [2, 8, 10], [3, 10, 18]], // the same rows, the second track shorter
    [[1, 0, 8], [5, 8, 12], [3, 12, 18]], // the same rows and counts, the second track another id
    [[1, 0, 8], [5, 8, 12], [7, 12, 18]], // and the third
    [[4, 0, 8], [5, 8, 12], [7, 12, 18]], // and the first
  ];
  const cache = { path: join(dir, 'ann.usearch'), key: 'v1' };
  for (const [i, layout] of layouts.entries()) {
    const store = new SegmentStore(d);
    for (const [id, from, to] of layout) store.addTrack(track(id, slice(from, to), d));
    const ann = new SegmentAnn(d, { stride: 1, threads: 1, expansionSearch: 64, cache });
    await ann.sync(store);
    expect(ann.lastSync).toBe('built');
    // Rows 2, 9 and 14 belong to the layout's first, second and third tracks, each at its own segment row − from.
    for (const [row, [id, from]] of [2, 9, 14].map((row, t) => [row, layout[t]] as const)) {
      const [top] = ann.candidates(slice(row, row + 1), 1, 1, 1);
      expect(top, `layout ${i}, row ${row}`).toMatchObject({ trackId: id, starts: [row - from] });
    }
  }
});

it('does not load a saved index over the one this session holds, even when it fits the store', async () => {
  const cache = { path: join(dir, 'ann.usearch'), key: 'v1' };
  const ours = library(180, [1, 2]);
  const ann = new SegmentAnn(d, { stride: 1, threads: 1, cache });
  await ann.sync(ours);
  // Another process saves the index of tracks 1, 2, 3; then our store gets track 3 too.
  await new SegmentAnn(d, { stride: 1, threads: 1, cache }).sync(library(180, [1, 2, 3]));
  ours.addTrack(track(3, unitRows(rng(183), 10, d), d));
  const reports: AnnBuildProgress[] = [];
  await ann.sync(ours, { onProgress: (p) => reports.push(p) });
  expect(ann.lastSync).toBe('built');
  expect(reports.map((p) => [p.done, p.total])).toEqual([[10, 10]]);
});
