/**
 * The matcher's rules at their edges, against answers built by hand: a track exactly
 * beatWeight behind the k-th alignment can still tie it on score and win on its lower id; exact
 * aligns every track whatever the shortlist size; the scan and a wider topK reach a true track
 * that a short prefilter shortlist misses; a scan passed in is the one used; and a track removed
 * while the ANN index was being updated is not returned.
 */
import { expect, it } from 'vitest';
import { Matcher } from '../../../electron/engine/search/matcher';
import { SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { clipMeanDecoys, summary, track } from './synthetic';

const d = 8;

/** Unit rows along axes: alignment scores are exact (sums of 0s and 1s). */
function axes(...which: number[]): Float32Array {
  const rows = new Float32Array(which.length * 4);
  which.forEach((axis, r) => (rows[r * 4 + axis] = 1));
  return rows;
}

it('a track exactly beatWeight behind the k-th alignment ties it with every cut on a beat, and wins on its lower id', async () => {
  const store = new SegmentStore(4);
  const clip = axes(0, 1);
  // Track 2 holds the clip (alignment 1) and has no beats; track 1 meets half of it (0.5) with a beat on each cut.
  store.addTrack(track(2, axes(0, 1), 4, { summary: summary({ beats: [] }) }));
  store.addTrack(track(1, axes(0, 2), 4, { summary: summary({ beats: [0.5, 1.5] }) }));
  const matcher = new Matcher(store, { threads: 1 });
  const query = { embeddings: clip, cuts: [0.5, 1.5] };
  const both = await matcher.match(query, { strategy: 'exact', topK: 2, beatWeight: 0.5, beatRefine: 0 });
  expect(both).toEqual([
    { trackId: 1, score: 1, offset: 0, alignScore: 0.5, beatShare: 1 },
    { trackId: 2, score: 1, offset: 0, alignScore: 1, beatShare: 0 },
  ]);
  const [top] = await matcher.match(query, { strategy: 'exact', topK: 1, beatWeight: 0.5, beatRefine: 0 });
  expect(top.trackId).toBe(1);
  await matcher.release();
});

/** The true track (id 1) holds the clip exactly; the prefilter ranks every decoy above it. */
const decoyLibrary = (decoys: number): { store: SegmentStore; clip: Float32Array } => clipMeanDecoys(91, decoys, d);

it('exact aligns every track, whatever the shortlist size asked', async () => {
  const { store, clip } = decoyLibrary(5);
  const matcher = new Matcher(store, { threads: 1 });
  // The premise: a prefilter shortlist of one takes a decoy.
  const [short] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'prefilter', topK: 1, candidates: 1 });
  expect(short.trackId).not.toBe(1);
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'exact', topK: 1, candidates: 1 });
  expect(top).toMatchObject({ trackId: 1, offset: 12 });
  await matcher.release();
});

it('the scan shortlists by its window scores, reaching the true track a one-track prefilter misses', async () => {
  const { store, clip } = decoyLibrary(5);
  const matcher = new Matcher(store, { threads: 1 });
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'scan', topK: 1, candidates: 1 });
  expect(top).toMatchObject({ trackId: 1, offset: 12 });
  await matcher.release();
});

it('shortlists 5 · topK tracks when that is over 50: 20 results reach a true track 60 decoys outrank', async () => {
  const { store, clip } = decoyLibrary(60);
  const matcher = new Matcher(store, { threads: 1 });
  // The premise: the default 50 are all decoys.
  const fifty = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'prefilter', topK: 20, candidates: 50 });
  expect(fifty.map((r) => r.trackId)).not.toContain(1);
  const twenty = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'prefilter', topK: 20 });
  expect(twenty).toHaveLength(20);
  expect(twenty[0]).toMatchObject({ trackId: 1, offset: 12 });
  await matcher.release();
});

it('uses the scan it is given, and reports no ANN rows before one is built', async () => {
  const { store, clip } = decoyLibrary(5);
  const scan = new SegmentScan(d, { stride: 2 });
  await scan.sync(store);
  const matcher = new Matcher(store, { threads: 1, scanner: scan });
  expect(matcher.scanSize).toBe(scan.size);
  expect(scan.size).toBe(Math.ceil(30 / 2) + 5 * Math.ceil(12 / 2));
  expect(matcher.annSize).toBe(0);
  const [top] = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'scan', topK: 1 });
  expect(top.trackId).toBe(1);
  await matcher.release();
});

it('does not return a track removed while the ANN index was being updated', async () => {
  const { store, clip } = decoyLibrary(5);
  // Track 9 holds the clip too, better than any decoy; it is removed during the last yield of the ANN's update.
  store.addTrack(track(9, clip.slice(), d));
  const matcher = new Matcher(store, { threads: 1, ann: { stride: 1, expansionSearch: 256 } });
  let removed = false;
  const onProgress = (p: { done: number; total: number }): void => {
    if (p.done === p.total && !removed) removed = store.removeTrack(9);
  };
  const results = await matcher.match({ embeddings: clip, cuts: [] }, { strategy: 'ann', topK: 6, candidates: 6 }, { onProgress });
  expect(removed).toBe(true);
  expect(results.map((r) => r.trackId).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(results[0]).toMatchObject({ trackId: 1, offset: 12 });
  for (const r of results) expect(Number.isFinite(r.score)).toBe(true);
  await matcher.release();
});
