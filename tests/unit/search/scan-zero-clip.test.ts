/**
 * A clip of zeros has cosine 0 with every window, so every track scores 0 and, all windows tied,
 * starts at its earliest window (0) — in the one-block scan and in the summed one alike.
 */
import { expect, it } from 'vitest';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

it.each([
  { m: 2, stride: 2, what: 'one clip block' },
  { m: 6, stride: 2, what: 'three clip blocks' },
  { m: 3, stride: 1, what: 'stride 1' },
])('a zero clip scores 0 at start 0 on every track ($what)', async ({ m, stride }) => {
  const rand = rng(31);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 6; id++) store.addTrack(track(id, unitRows(rand, 9 + 3 * id, d), d));
  const scan = new SegmentScan(d, { stride, threads: 1 });
  await scan.sync(store);
  const result = await scan.scan(store, new Float32Array(m * d), m);
  expect(Array.from(result.score).every((s) => s === 0)).toBe(true);
  expect(Array.from(result.start)).toEqual([0, 0, 0, 0, 0, 0]);
  expect(Array.from(await scan.scores(store, new Float32Array(m * d), m)).every((s) => s === 0)).toBe(true);
  await scan.release();
});
