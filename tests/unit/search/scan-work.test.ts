/**
 * The scan's documented economies, checked by the work it asks of the store and the kernel:
 * `maxAbs` saves the first pass over the rows; rows in memory are viewed, never copied; rows on
 * disk are read into one reused buffer; scores() with one clip block fetches only the per-column
 * maxima (runBest), never the similarities. Real store, row file and onnxruntime kernel; the
 * spies only count calls and pass them through.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { Int8Scan } from '../../../electron/engine/search/onnx-kernels';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';
import { quantiseScan, SegmentScan } from '../../../electron/engine/search/scan';
import { meanRow, SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, summary, track, unitRows } from './synthetic';

const d = 4;
const dir = mkdtempSync(join(tmpdir(), 'nd-scan-work-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
});

function memoryStore(lengths: number[], seed: number): SegmentStore {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  lengths.forEach((n, i) => store.addTrack(track(i + 1, unitRows(rand, n, d), d)));
  return store;
}

/** The same kind of library with its rows in a row file. */
function diskStore(name: string, lengths: number[], seed: number): SegmentStore {
  const rand = rng(seed);
  const path = join(dir, `${name}.f32`);
  const writer = new RowFileWriter(path, d);
  const vectors = new Float32Array(lengths.length * d);
  lengths.forEach((n, i) => {
    const rows = unitRows(rand, n, d);
    writer.append(rows);
    meanRow(rows, n, d, vectors.subarray(i * d, (i + 1) * d));
  });
  writer.close();
  const total = lengths.reduce((a, b) => a + b, 0);
  const layout = { ids: lengths.map((_, i) => i + 1), counts: lengths, starts: Float32Array.from({ length: total }, (_, i) => i), vectors };
  return SegmentStore.onDisk(RowFile.open(path, d, total), layout, () => ({ summary: summary(), mood: { brightness: 0.5 } }));
}

it('reads each track once when maxAbs is given, twice without', async () => {
  const store = diskStore('passes', [6, 9, 4], 801);
  const reads = vi.spyOn(store, 'readRows');
  await quantiseScan(store, 1, { maxAbs: 1 });
  expect(reads).toHaveBeenCalledTimes(3);
  reads.mockClear();
  await quantiseScan(store, 1);
  expect(reads).toHaveBeenCalledTimes(6);
});

it('views rows in memory instead of copying them, for quantising and for short tracks', async () => {
  const store = memoryStore([3, 12, 10], 802);
  const reads = vi.spyOn(store, 'readRows');
  await quantiseScan(store, 1);
  const scan = new SegmentScan(d, { stride: 1, threads: 1 });
  await scan.sync(store);
  // Track 1 (3 rows) is shorter than the 6-row clip: scored from its rows, still not copied.
  await scan.scan(store, unitRows(rng(803), 6, d), 6);
  expect(reads).not.toHaveBeenCalled();
  await scan.release();
});

it('reads rows on disk into one buffer per pass, grown only when a track needs more', async () => {
  // The first buffer holds 2 × 10 rows: the later tracks, up to exactly 20 rows, fit in it.
  const store = diskStore('buffer', [10, 20, 7, 20], 804);
  const into = new Set<Float32Array>();
  vi.spyOn(store, 'readRows').mockImplementation(function (this: SegmentStore, first, count, buffer) {
    into.add(buffer);
    return SegmentStore.prototype.readRows.call(this, first, count, buffer);
  });
  await quantiseScan(store, 1);
  // Two passes (the maximum, then the codes), one buffer each.
  expect(into.size).toBe(2);
});

it('reads short tracks on disk into one reused buffer', async () => {
  const store = diskStore('short', [3, 5, 30, 2], 805);
  const scan = new SegmentScan(d, { stride: 1, threads: 1 });
  await scan.sync(store);
  const into = new Set<Float32Array>();
  let calls = 0;
  vi.spyOn(store, 'readRows').mockImplementation(function (this: SegmentStore, first, count, buffer) {
    calls++;
    into.add(buffer);
    return SegmentStore.prototype.readRows.call(this, first, count, buffer);
  });
  const clip = unitRows(rng(806), 8, d);
  await scan.scan(store, clip, 8);
  await scan.scan(store, clip, 8);
  expect(calls).toBe(6);
  expect(into.size).toBe(1);
  await scan.release();
});

it('scores one clip block from the per-column maxima alone, and more blocks through the full scan', async () => {
  const store = memoryStore([12, 9, 15], 807);
  const scan = new SegmentScan(d, { stride: 2, threads: 1 });
  await scan.sync(store);
  const run = vi.spyOn(Int8Scan.prototype, 'run');
  const runBest = vi.spyOn(Int8Scan.prototype, 'runBest');
  const rand = rng(808);
  // m = 1 and m = 2 are one block of stride 2.
  for (const m of [1, 2]) await scan.scores(store, unitRows(rand, m, d), m);
  expect(run).not.toHaveBeenCalled();
  expect(runBest).toHaveBeenCalledTimes(2);
  // m = 3 rounds to two blocks.
  await scan.scores(store, unitRows(rand, 3, d), 3);
  expect(run).toHaveBeenCalledTimes(1);
  expect(runBest).toHaveBeenCalledTimes(2);
  await scan.release();
});
