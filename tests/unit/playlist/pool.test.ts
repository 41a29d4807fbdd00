/**
 * The builders honour a pool (review R10): tracks it does not offer (a near-silent file, a later
 * copy) are never placed and do not shape the energy quantiles, and copies of a seed, a path's end
 * or a `similar` query count as that track. The plant says which tracks are copies and which is
 * silent; the expected sets and quantiles are worked out by hand from it.
 */
import { describe, expect, it } from 'vitest';
import { energyCurve, parseEnergyLevels } from '../../../electron/engine/playlist/energy-curve';
import { moodPath } from '../../../electron/engine/playlist/mood-path';
import { moreLike } from '../../../electron/engine/playlist/more-like';
import type { TrackPool } from '../../../electron/engine/playlist/pool';
import { similarTracks } from '../../../electron/engine/playlist/similar';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, summary, track, unitRows } from '../search/synthetic';

const d = 16;
/** Content keys: 1 and 2 are byte copies ("a"), so are 3 and 4 ("b"); every other track is its own. */
const CONTENT: Record<number, string> = { 1: 'a', 2: 'a', 3: 'b', 4: 'b' };
/** Offered: one of each pair (1 of a, 4 of b: the first by path is not always the lower id), never the silent 9. */
const OFFERED = new Set([1, 4, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
const pool: TrackPool = { offered: (id) => OFFERED.has(id), content: (id) => CONTENT[id] ?? `#${id}` };
const MUSIC = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

function plant(): SegmentStore {
  const rand = rng(71);
  const store = new SegmentStore(d);
  const add = (id: number, v: Float32Array, energy: number): void => store.addTrack(track(id, v, d, { summary: summary({ energy }) }));
  const a = unitRows(rand, 1, d);
  const b = unitRows(rand, 1, d);
  add(1, a, 0.55);
  add(2, a.slice(), 0.55);
  add(3, b, 0.45);
  add(4, b.slice(), 0.45);
  // Near-silent: its vector sits on the seed's, and its energy is 0, so only the pool keeps it out.
  add(9, a.slice(), 0);
  for (const id of MUSIC) add(id, unitRows(rand, 1, d), (id - 10) / 10);
  return store;
}

const ids = (entries: Array<{ trackId: number }>): number[] => entries.map((e) => e.trackId).sort((x, y) => x - y);

describe('builders with a pool (near-silent and copies left out)', () => {
  const store = plant();

  it('similar never answers the query, its copy, a later copy or the silent track', () => {
    expect(ids(similarTracks(store, 1, 50, pool))).toEqual([4, ...MUSIC]);
    expect(ids(similarTracks(store, 2, 50, pool))).toEqual([4, ...MUSIC]);
    // 3 is not offered itself, but as a query its offered copy 4 is its own content.
    expect(ids(similarTracks(store, 3, 50, pool))).toEqual([1, ...MUSIC]);
  });

  it('more-like leaves out the seeds’ copies, and counts only what it may place', () => {
    expect(ids(moreLike(store, [1], 11, { pool }))).toEqual([4, ...MUSIC]);
    expect(ids(moreLike(store, [3], 11, { pool }))).toEqual([1, ...MUSIC]);
    expect(() => moreLike(store, [1], 12, { pool })).toThrow(/exceeds the 11 tracks available/);
  });

  it('a mood path places neither end’s copy nor the silent track between the ends; two copies are not two ends', () => {
    const path = moodPath(store, 2, 3, 12, { pool }).map((e) => e.trackId);
    expect(path[0]).toBe(2);
    expect(path[11]).toBe(3);
    expect(path.slice(1, 11).sort((x, y) => x - y)).toEqual(MUSIC);
    expect(() => moodPath(store, 2, 3, 13, { pool })).toThrow(/exceeds the 12 tracks available/);
    expect(() => moodPath(store, 1, 2, 5, { pool })).toThrow(/copies of one file/);
  });

  it('an energy curve takes its quantiles from the offered tracks only, and places only them', () => {
    // Offered energies sorted: .1 .2 .3 .4 .45 .5 .55 .6 .7 .8 .9 1 (12 values).
    // low = 15th percentile at 1.65 → .2 + .65·.1 = .265; high = 85th at 9.35 → .8 + .35·.1 = .835.
    const list = energyCurve(store, parseEnergyLevels('low,high'), 12, { pool });
    expect(ids(list)).toEqual([1, 4, ...MUSIC]);
    expect(list[0].target).toBeCloseTo(0.265, 9);
    expect(list[11].target).toBeCloseTo(0.835, 9);
    expect(() => energyCurve(store, parseEnergyLevels('low'), 13, { pool })).toThrow(/exceeds the 12 tracks available/);
  });

  it('with atMost (the app\'s Length) a length the pool cannot fill gives all it offers instead of an error', () => {
    // The counts above: 11 for more-like of 1, 12 for a path 2 → 3 (ends included), 12 for a curve.
    expect(ids(moreLike(store, [1], 20, { pool, atMost: true }))).toEqual([4, ...MUSIC]);
    const path = moodPath(store, 2, 3, 20, { pool, atMost: true }).map((e) => e.trackId);
    expect([path.length, path[0], path[path.length - 1]]).toEqual([12, 2, 3]);
    expect(ids(energyCurve(store, parseEnergyLevels('low,high'), 20, { pool, atMost: true }))).toEqual([1, 4, ...MUSIC]);
    // A length it can fill is kept as asked.
    expect(moreLike(store, [1], 5, { pool, atMost: true })).toHaveLength(5);
  });
});
