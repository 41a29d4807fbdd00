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

it('the ann strategy adds the tracks the ANN votes for to the prefilter shortlist', async () => {
  const rand = rng(12);
  const store = new SegmentStore(d);
  // The true track's rows are scattered (its mean is far from any one part); the decoys sit on the clip's mean direction.
  const truth = unitRows(rand, 30, d);
  const clip = truth.slice(10 * d, 16 * d);
  const mean = new Float32Array(d);
  for (let i = 0; i < clip.length; i++) mean[i % d] += clip[i];
  store.addTrack(track(1, truth, d));
  for (let id = 2; id <= 6; id++) {
    const decoy = new Float32Array(12 * d);
    for (let i = 0; i < decoy.length; i++) decoy[i] = mean[i % d] + 0.3 * (rand() - 0.5);
    for (let r = 0; r < 12; r++) {
      const row = decoy.subarray(r * d, (r + 1) * d);
      const norm = Math.hypot(...row);
      for (let x = 0; x < d; x++) row[x] /= norm;
    }
    store.addTrack(track(id, decoy, d));
  }
  const matcher = new Matcher(store, { ann: { stride: 1, expansionSearch: 256 } });
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'ann', topK: 1, candidates: 1 });
  expect(top.trackId).toBe(1);
  expect(top.alignScore).toBeCloseTo(1, 4);
  await matcher.release();
});
