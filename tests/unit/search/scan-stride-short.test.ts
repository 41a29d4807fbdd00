/**
 * The scan's stride at its exact size boundaries, a short track's exact score on disk for clips
 * of growing length, and a cancelled quantisation saying what it stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { dotRows } from '../../../electron/engine/search/kernels';
import { quantiseScan, scanStride } from '../../../electron/engine/search/scan';
import { openSegmentIndex, writeSegmentIndex } from '../../../electron/engine/search/segment-index';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, summary, track, unitRows } from './synthetic';

const dir = mkdtempSync(join(tmpdir(), 'needledrop-scan-short-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps a stride while it keeps at most 64,000 rows, and doubles it only past that', () => {
  expect(scanStride(64_000)).toBe(1);
  expect(scanStride(64_001)).toBe(2);
  expect(scanStride(128_000)).toBe(2);
  expect(scanStride(128_001)).toBe(4);
  expect(scanStride(512_000)).toBe(8);
  // Stride 16 only past 600,000 rows at stride 8.
  expect(scanStride(4_800_000)).toBe(8);
  expect(scanStride(4_800_008)).toBe(16);
});

it('scores tracks shorter than the clip by their exact mean cosine, for clips of 3 and then 10 rows (rows on disk)', async () => {
  const d = 8;
  const rand = rng(91);
  const short = unitRows(rand, 8, d);
  const tiny = unitRows(rand, 2, d);
  const tracks = [track(1, short, d), track(2, unitRows(rand, 20, d), d), track(3, tiny, d)];
  await writeSegmentIndex(dir, 'k', d, tracks, { stride: 2 });
  const opened = (await openSegmentIndex(dir, 'k', () => ({ summary: summary(), mood: { brightness: 0.5 } })))!;
  const clip = unitRows(rand, 10, d);
  const exact = (rows: Float32Array, n: number, m: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dotRows(clip, i, rows, i, d);
    return sum / m;
  };
  // m = 3: only track 3 (2 rows) is shorter; m = 10: track 1 (8 rows) is too, scored over the clip's 10 rows.
  const three = await opened.scan.scores(opened.store, clip, 3);
  expect(three[opened.store.slotOf(3)]).toBeCloseTo(exact(tiny, 2, 3), 6);
  const ten = await opened.scan.scores(opened.store, clip, 10);
  expect(ten[opened.store.slotOf(1)]).toBeCloseTo(exact(short, 8, 10), 6);
  expect(ten[opened.store.slotOf(3)]).toBeCloseTo(exact(tiny, 2, 10), 6);
  await opened.close();
});

it('names what a cancel stopped while quantising', async () => {
  const d = 4;
  const store = new SegmentStore(d);
  for (let id = 1; id <= 3; id++) store.addTrack(track(id, unitRows(rng(92), 40_000, d), d));
  const controller = new AbortController();
  await expect(quantiseScan(store, 1, { signal: controller.signal, onProgress: () => controller.abort() })).rejects.toThrow('building the search index cancelled');
});
