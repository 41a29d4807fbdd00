/** Seeded synthetic embeddings whose right answers are known by construction. */
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { normalizeInPlace, SegmentStore } from '../../../electron/engine/search/segment-store';
import type { TrackSegments, SearchSummary, SearchTrackInfo } from '../../../electron/engine/search/types';

/** Seeded uniform [0, 1) generator (mulberry32). */
export const rng = seededRandom;

export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function normalizeRows(a: Float32Array, d: number): Float32Array {
  for (let r = 0; r < a.length / d; r++) normalizeInPlace(a.subarray(r * d, (r + 1) * d));
  return a;
}

/** n random unit rows of dim d. */
export function unitRows(rand: () => number, n: number, d: number): Float32Array {
  const a = new Float32Array(n * d);
  for (let i = 0; i < a.length; i++) a[i] = gaussian(rand);
  return normalizeRows(a, d);
}

/** Rows [from, from+m) of `rows` with Gaussian noise of std `noise` per component, renormalised. */
export function noisySlice(rand: () => number, rows: Float32Array, d: number, from: number, m: number, noise: number): Float32Array {
  const out = rows.slice(from * d, (from + m) * d);
  for (let i = 0; i < out.length; i++) out[i] += noise * gaussian(rand);
  return normalizeRows(out, d);
}

export function summary(over: Partial<SearchSummary> = {}): SearchSummary {
  return { duration: 180, bpm: 120, beats: [], key: 'C', mode: 'major', energy: 0.5, ...over };
}

/** What an opened index asks per track: the default summary and a mid brightness. */
export function trackInfo(): SearchTrackInfo {
  return { summary: summary(), mood: { brightness: 0.5 } };
}

/** A track whose segment i starts at i seconds (1 s hop). */
export function track(id: number, embeddings: Float32Array, d: number, over: Partial<TrackSegments> = {}): TrackSegments {
  const n = embeddings.length / d;
  return {
    id,
    embeddings,
    starts: Array.from({ length: n }, (_, i) => i),
    summary: summary({ duration: n + 7 }),
    mood: { brightness: 0.5 },
    ...over,
  };
}

/**
 * n rows around one random "mood" direction: normalise(centre + spread · random unit). Real
 * tracks are like this (their segments share a mood), which is what the track-level
 * prefilter relies on; spread 1 gives segment–centre cosines near 0.7.
 */
export function moodRows(rand: () => number, n: number, d: number, spread = 1): Float32Array {
  const centre = unitRows(rand, 1, d);
  const rows = unitRows(rand, n, d);
  for (let i = 0; i < rows.length; i++) rows[i] = centre[i % d] + spread * rows[i];
  return normalizeRows(rows, d);
}

/**
 * A library where the answer is known and the track-vector prefilter is wrong: the true track
 * (id 1, 30 rows of dim d) holds the clip (its rows 12–17) exactly, so it aligns at 1; `decoys`
 * tracks (ids 2…) of 12 rows sit on the clip's mean direction, jittered, so the prefilter ranks
 * every decoy above the true track while each aligns lower.
 */
export function clipMeanDecoys(seed: number, decoys: number, d: number): { store: SegmentStore; clip: Float32Array } {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  const truth = unitRows(rand, 30, d);
  const clip = truth.slice(12 * d, 18 * d);
  const mean = new Float32Array(12 * d);
  for (let i = 0; i < clip.length; i++) for (let r = 0; r < 12; r++) mean[r * d + (i % d)] += clip[i];
  store.addTrack(track(1, truth, d));
  for (let id = 2; id <= decoys + 1; id++) store.addTrack(track(id, noisySlice(rand, mean, d, 0, 12, 0.05), d));
  return { store, clip };
}
