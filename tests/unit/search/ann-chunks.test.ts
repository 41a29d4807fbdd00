/**
 * The ANN build adds whole tracks per native call while they fit in chunkRows — a chunk filled
 * exactly is one call — and a track larger than a chunk goes alone. Progress after each call
 * counts the rows added so far, worked out by hand below.
 */
import { expect, it } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

it('fills each chunk with whole tracks up to exactly chunkRows', async () => {
  const rand = rng(71);
  const store = new SegmentStore(d);
  // Rows per track: 4, 4, 4, 4, 10, 2 with chunkRows 8 → calls of 4+4, 4+4, 10, 2.
  for (const [id, n] of [[1, 4], [2, 4], [3, 4], [4, 4], [5, 10], [6, 2]]) store.addTrack(track(id, unitRows(rand, n, d), d));
  const ann = new SegmentAnn(d, { stride: 1, threads: 1 });
  const done: number[] = [];
  await ann.sync(store, { chunkRows: 8, onProgress: (p) => done.push(p.done) });
  expect(done).toEqual([8, 16, 26, 28]);
  expect(ann.size).toBe(28);
});
