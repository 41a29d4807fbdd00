// The matcher's strategy choice and its refusals, and the store's id list being a copy.
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

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

/** A track of n rows around `direction` (noise `spread`), renormalised: its mean, hence its prefilter vector, lies on `direction`. */
function around(rand: () => number, direction: Float32Array, n: number, spread: number): Float32Array {
  const rows = new Float32Array(n * d);
  for (let i = 0; i < rows.length; i++) rows[i] = direction[i % d] + spread * (rand() - 0.5);
  for (let r = 0; r < n; r++) {
    const row = rows.subarray(r * d, (r + 1) * d);
    const norm = Math.hypot(...row);
    for (let x = 0; x < d; x++) row[x] /= norm;
  }
  return rows;
}

/** A library where the prefilter (track mean against clip mean) misses the true track (id 1): decoys 2–6 sit on the clip's mean. */
function decoyLibrary(seed: number, noise = 0): { store: SegmentStore; clip: Float32Array } {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  const truth = unitRows(rand, 30, d);
  const clip = noise > 0 ? noisySlice(rand, truth, d, 10, 6, noise) : truth.slice(10 * d, 16 * d);
  const mean = new Float32Array(d);
  for (let i = 0; i < clip.length; i++) mean[i % d] += clip[i];
  store.addTrack(track(1, truth, d));
  for (let id = 2; id <= 6; id++) store.addTrack(track(id, around(rand, mean, 12, 0.3), d));
  return { store, clip };
}

it('the ann strategy adds the tracks the ANN votes for to the prefilter shortlist', async () => {
  const { store, clip } = decoyLibrary(12);
  const matcher = new Matcher(store, { ann: { stride: 1, expansionSearch: 256, threads: 1 } });
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'ann', topK: 1, candidates: 1 });
  expect(top.trackId).toBe(1);
  expect(top.alignScore).toBeCloseTo(1, 4);
  await matcher.release();
});

it('the ann strategy asks the ANN for more tracks when some are excluded, so they do not crowd out the true one', async () => {
  const { store, clip } = decoyLibrary(13, 0.3);
  // Two excluded exact copies of the (noisy) clip outvote the true track in the ANN.
  store.addTrack(track(7, clip.slice(), d));
  store.addTrack(track(8, clip.slice(), d));
  const matcher = new Matcher(store, { ann: { stride: 1, expansionSearch: 256, threads: 1 } });
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'ann', topK: 1, candidates: 1, exclude: new Set([7, 8]) });
  expect(top.trackId).toBe(1);
  await matcher.release();
});
