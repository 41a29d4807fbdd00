/**
 * The matcher's shortlist defaults and its top-k cut, against answers known by construction:
 * the true track holds the clip exactly (alignment 1); five decoys sit on the clip's mean, so a
 * track-vector prefilter ranks all five above the true track.
 */
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { clipMeanDecoys } from './synthetic';

const d = 8;

const decoys = (): { store: SegmentStore; clip: Float32Array } => clipMeanDecoys(51, 5, d);

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
