/**
 * The scan's query buffers are kept across queries (at 10M segments the similarities alone are
 * tens of MB): each query of the same shape hands the kernel the same similarity and per-column
 * maximum arrays, for scan() and for scores(). Real store and onnxruntime kernel; the spies only
 * record the arrays passed and call through.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { Int8Scan } from '../../../electron/engine/search/onnx-kernels';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 4;

afterEach(() => {
  vi.restoreAllMocks();
});

async function synced(stride: number): Promise<{ store: SegmentStore; scan: SegmentScan }> {
  const rand = rng(901);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 4; id++) store.addTrack(track(id, unitRows(rand, 10 + id, d), d));
  const scan = new SegmentScan(d, { stride, threads: 1 });
  await scan.sync(store);
  return { store, scan };
}

it.each([
  { stride: 2, m: 2, what: 'one clip block' },
  { stride: 2, m: 6, what: 'three clip blocks' },
])('scan() reuses its similarity and maximum arrays ($what)', async ({ stride, m }) => {
  const { store, scan } = await synced(stride);
  const run = vi.spyOn(Int8Scan.prototype, 'run');
  const rand = rng(902);
  await scan.scan(store, unitRows(rand, m, d), m);
  await scan.scan(store, unitRows(rand, m, d), m);
  expect(run).toHaveBeenCalledTimes(2);
  const [first, second] = run.mock.calls;
  expect(second[2]).toBe(first[2]);
  expect(second[3]).toBe(first[3]);
  await scan.release();
});

it('scores() reuses its maximum array', async () => {
  const { store, scan } = await synced(2);
  const runBest = vi.spyOn(Int8Scan.prototype, 'runBest');
  const rand = rng(903);
  await scan.scores(store, unitRows(rand, 2, d), 2);
  await scan.scores(store, unitRows(rand, 2, d), 2);
  expect(runBest).toHaveBeenCalledTimes(2);
  expect(runBest.mock.calls[1][2]).toBe(runBest.mock.calls[0][2]);
  await scan.release();
});
