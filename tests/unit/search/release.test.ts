/**
 * Releasing frees the onnxruntime sessions the search opened: each exactly once, and a released
 * aligner or matcher opens a fresh one when used again, with the same answers.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { Aligner } from '../../../electron/engine/search/align';
import { Matcher } from '../../../electron/engine/search/matcher';
import { DenseSims, Int8Scan } from '../../../electron/engine/search/onnx-kernels';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 8;

afterEach(() => {
  vi.restoreAllMocks();
});

it('an aligner releases its dense session once, and a new one answers alike after', async () => {
  const denseRelease = vi.spyOn(DenseSims.prototype, 'release');
  const rand = rng(21);
  const rows = unitRows(rand, 12, d);
  const clip = noisySlice(rand, rows, d, 4, 3, 0.05);
  const aligner = new Aligner(d, 1);
  const before = await aligner.align(clip, 3, rows, 0, 12);
  expect(before.start).toBe(4);
  await aligner.release();
  expect(denseRelease).toHaveBeenCalledTimes(1);
  await aligner.release(); // nothing left to free
  expect(denseRelease).toHaveBeenCalledTimes(1);
  expect(await aligner.align(clip, 3, rows, 0, 12)).toEqual(before);
  await aligner.release();
  expect(denseRelease).toHaveBeenCalledTimes(2);
});

it('a matcher releases the alignment and scan sessions it opened', async () => {
  const denseRelease = vi.spyOn(DenseSims.prototype, 'release');
  const scanRelease = vi.spyOn(Int8Scan.prototype, 'release');
  const rand = rng(22);
  const store = new SegmentStore(d);
  const truth = unitRows(rand, 20, d);
  store.addTrack(track(1, unitRows(rand, 20, d), d));
  store.addTrack(track(2, truth, d));
  const matcher = new Matcher(store, { scan: { stride: 1, threads: 1 }, threads: 1 });
  const clip = { embeddings: noisySlice(rand, truth, d, 5, 4, 0.05), cuts: [] };
  const first = await matcher.match(clip, { strategy: 'scan', topK: 1 });
  expect(first[0]).toMatchObject({ trackId: 2, offset: 5 });
  expect(matcher.scanSize).toBe(40);
  await matcher.release();
  expect(denseRelease).toHaveBeenCalledTimes(1);
  expect(scanRelease).toHaveBeenCalledTimes(1);
  expect(matcher.scanSize).toBe(0);
  // Used again, it rebuilds what it needs.
  expect(await matcher.match(clip, { strategy: 'scan', topK: 1 })).toEqual(first);
  await matcher.release();
  expect(denseRelease).toHaveBeenCalledTimes(2);
  expect(scanRelease).toHaveBeenCalledTimes(2);
});
