/**
 * The matcher's shortlist defaults and its top-k cut, against answers known by construction:
 * the true track holds the clip exactly (alignment 1); five decoys sit on the clip's mean, so a
 * track-vector prefilter ranks all five above the true track.
 */
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 8;

function decoys(): { store: SegmentStore; clip: Float32Array } {
  const rand = rng(51);
  const store = new SegmentStore(d);
  const truth = unitRows(rand, 30, d);
  const clip = truth.slice(12 * d, 18 * d);
  // Twelve copies of the clip's mean direction, jittered: each decoy's track vector ≈ the clip mean.
  const mean = new Float32Array(12 * d);
  for (let i = 0; i < clip.length; i++) for (let r = 0; r < 12; r++) mean[r * d + (i % d)] += clip[i];
  store.addTrack(track(1, truth, d));
  for (let id = 2; id <= 6; id++) store.addTrack(track(id, noisySlice(rand, mean, d, 0, 12, 0.05), d));
  return { store, clip };
}

it('the prefilter shortlists 50 tracks by default even for one result, enough here to reach the true track', async () => {
  const { store, clip } = decoys();
  const matcher = new Matcher(store, { threads: 1 });
  // The premise: a shortlist of five takes only the decoys.
  const [five] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'prefilter', topK: 1, candidates: 5 });
  expect(five.trackId).not.toBe(1);
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'prefilter', topK: 1 });
  expect(top).toMatchObject({ trackId: 1, offset: 12 });
  expect(top.alignScore).toBeCloseTo(1, 5);
  await matcher.release();
});

it('returns every track, ranked, when topK is the library size', async () => {
  const { store, clip } = decoys();
  const matcher = new Matcher(store, { threads: 1 });
  const all = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'exact', topK: 6 });
  expect(all.map((r) => r.trackId).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  expect(all[0].trackId).toBe(1);
  for (let i = 1; i < all.length; i++) expect(all[i].score).toBeLessThanOrEqual(all[i - 1].score);
  const five = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'exact', topK: 5 });
  expect(five).toEqual(all.slice(0, 5));
  await matcher.release();
});

it('has no ANN source before an ANN was built', () => {
  expect(new Matcher(decoys().store).annSource).toBeNull();
});
