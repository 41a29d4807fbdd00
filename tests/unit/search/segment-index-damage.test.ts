// The segment index on disk, at its edges: nothing to index, another format, a missing or
// emptied scan file, closing, and the saved int8 scan scoring like one built in memory.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';
import { loadSegmentIndexIn, openSegmentIndex, readSegmentIndexMeta, writeSegmentIndex } from '../../../electron/engine/search/segment-index';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import type { SearchTrackInfo, TrackSegments } from '../../../electron/engine/search/types';
import { moodRows, noisySlice, rng, summary, track } from './synthetic';

const d = 16;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-segment-index-edges-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tracks(seed: number, count = 12): TrackSegments[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, i) => track(10 + i, moodRows(rand, 20 + Math.floor(rand() * 30), d), d));
}
const info = (): SearchTrackInfo => ({ summary: summary(), mood: { brightness: 0.5 } });

it('refuses to write an index of no tracks', async () => {
  await expect(writeSegmentIndex(dir, 'k', d, [])).rejects.toThrow(`${dir}: a segment index needs at least one track`);
});

it('is not opened under another format or key', async () => {
  await writeSegmentIndex(dir, 'k', d, tracks(1), { stride: 2 });
  expect(readSegmentIndexMeta(dir, 'k')).not.toBeNull();
  expect(readSegmentIndexMeta(dir, 'other')).toBeNull();
  const metaPath = join(dir, 'meta.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { format: number };
  writeFileSync(metaPath, JSON.stringify({ ...meta, format: meta.format + 1 }));
  expect(readSegmentIndexMeta(dir, 'k')).toBeNull();
});

it('names a missing or emptied scan file as damage', async () => {
  await writeSegmentIndex(dir, 'k', d, tracks(2), { stride: 2 });
  const codes = join(dir, 'scan.i8');
  const size = readFileSync(codes).byteLength;
  truncateSync(codes, 0);
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toThrow(`${codes}: holds 0 bytes, expected ${size}: the segment index is damaged`);
  rmSync(codes);
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toThrow(`${codes}: is missing: the segment index is damaged`);
});

it('scores like a scan built in memory from the same rows, and its rows are closed with it', async () => {
  const list = tracks(3);
  await writeSegmentIndex(dir, 'k', d, list, { stride: 2 });
  const opened = (await openSegmentIndex(dir, 'k', info))!;
  const memory = new SegmentStore(d);
  for (const t of list) memory.addTrack(t);
  const scan = new SegmentScan(d, { stride: 2 });
  await scan.sync(memory);
  const m = 8;
  const clip = noisySlice(rng(4), list[5].embeddings, d, 3, m, 0.2);
  const want = (await scan.scan(memory, clip, m)).score;
  const got = (await opened.scan.scan(opened.store, clip, m)).score;
  // Same rows, same int8 scale: the same scores (up to float summation order).
  for (let s = 0; s < list.length; s++) expect(got[s]).toBeCloseTo(want[s], 4);
  expect(got.indexOf(Math.max(...got))).toBe(opened.store.slotOf(list[5].id));
  await scan.release();
  await opened.close();
  expect(() => opened.store.readRows(0, 1, new Float32Array(d))).toThrow('the segment rows were closed');
});

it('a shared root keeps the build folder of a live process and removes a dead one', async () => {
  const live = join(dir, `.building-${process.ppid}-0a0b`);
  const dead = join(dir, '.building-99999999-0c0d'); // above any pid_max: no such process
  mkdirSync(live);
  mkdirSync(dead);
  const list = tracks(5, 3);
  const opened = await loadSegmentIndexIn(dir, 'k', d, () => list, info, { stride: 1 });
  expect(opened.built).toBe(true);
  expect(existsSync(live)).toBe(true);
  expect(existsSync(dead)).toBe(false);
  expect(readdirSync(dir).sort()).toHaveLength(2); // the index's folder and the live build
  await opened.close();
});

it('refuses an on-disk layout whose counts do not add up to the rows in the file', () => {
  const path = join(dir, 'rows.f32');
  const w = new RowFileWriter(path, 2);
  w.append(new Float32Array(10)); // 5 rows
  w.close();
  const rows = RowFile.open(path, 2, 5);
  const layout = { ids: [1, 2], counts: [2, 2], starts: new Float32Array(4), vectors: new Float32Array(4) };
  expect(() => SegmentStore.onDisk(rows, layout, info)).toThrow(`${path}: 5 rows but the layout counts 4 and has 4 start times`);
  expect(() => SegmentStore.onDisk(rows, { ...layout, counts: [2, 3] }, info)).toThrow('5 rows but the layout counts 5 and has 4 start times');
  rows.close();
});
