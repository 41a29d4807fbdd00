// The matcher's strategy choice and its refusals, and the store's id list being a copy.
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

function library(): SegmentStore {
  const rand = rng(11);
  const store = new SegmentStore(d);
  for (let id = 1; id <= 4; id++) store.addTrack(track(id, unitRows(rand, 10, d), d));
  return store;
}

it('auto means the exact alignment up to the scan threshold (in segments) and the scan above it', async () => {
  const store = library();
  expect(new Matcher(store, { scanThreshold: 40 }).resolve()).toBe('exact');
  const above = new Matcher(store, { scanThreshold: 39, scan: { stride: 2 } });
  expect(above.resolve('auto')).toBe('scan');
  expect(above.resolve('ann')).toBe('ann');
  expect(above.scanSize).toBe(0); // nothing built yet
  await above.prepare();
  expect(above.scanSize).toBe(4 * 5); // every 2nd of each track's 10 rows
  await above.release();
});

it('refuses a clip whose values are not whole rows of the store dim', async () => {
  const matcher = new Matcher(library());
  await expect(matcher.match({ embeddings: new Float32Array(d * 2 + 3), cuts: [] })).rejects.toThrow(`clip has ${d * 2 + 3} embedding values, not a positive multiple of dim ${d}`);
  await expect(matcher.match({ embeddings: new Float32Array(0), cuts: [] })).rejects.toThrow('not a positive multiple');
  await matcher.release();
});

it('gives a copy of its track ids', () => {
  const store = library();
  const ids = store.trackIds();
  ids.push(99);
  expect(store.trackIds()).toEqual([1, 2, 3, 4]);
});
