/** Sections that tie on a track: the earlier section takes it, the later one the next best. */
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { matchSections } from '../../../electron/engine/search/sections';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows } from './synthetic';

const d = 8;

it('gives a track both sections fit equally to the first section', async () => {
  const rand = rng(95);
  const store = new SegmentStore(d);
  const truth = unitRows(rand, 12, d);
  store.addTrack(track(1, truth, d));
  for (let id = 2; id <= 4; id++) store.addTrack(track(id, unitRows(rand, 12, d), d));
  const matcher = new Matcher(store, { threads: 1 });
  const clip = { embeddings: truth.slice(3 * d, 7 * d), cuts: [] };
  // The same clip twice: every track scores the same for both sections.
  const [first, second] = await matchSections(matcher, [clip, clip], { topK: 1 });
  expect(first.map((r) => r.trackId)).toEqual([1]);
  expect(second).toHaveLength(1);
  expect(second[0].trackId).not.toBe(1);
  await matcher.release();
});
