// The segment index on disk, at its edges: nothing to index, another format, a missing or
// emptied scan file, closing, and the saved int8 scan scoring like one built in memory.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { openSegmentIndex, readSegmentIndexMeta, writeSegmentIndex } from '../../../electron/engine/search/segment-index';
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
