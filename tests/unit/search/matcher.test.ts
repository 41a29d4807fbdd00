import { describe, expect, it } from 'vitest';
import { Matcher, BEAT_WEIGHT } from '../../../electron/engine/search/matcher';
import { matchSections } from '../../../electron/engine/search/sections';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import type { ClipQuery } from '../../../electron/engine/search/types';
import { moodRows, noisySlice, rng, summary, track, unitRows } from './synthetic';

const d = 32;

/** 80 tracks of 30–70 segments, each around its own mood direction; returns the store and each track's rows. */
function library(seed: number): { store: SegmentStore; rows: Map<number, Float32Array> } {
  const rand = rng(seed);
  const store = new SegmentStore(d, { blockRows: 256 });
  const rows = new Map<number, Float32Array>();
  for (let id = 1; id <= 80; id++) {
    const r = moodRows(rand, 30 + Math.floor(rand() * 40), d);
    rows.set(id, r);
    store.addTrack(track(id, r, d));
  }
  return { store, rows };
}

function clipFrom(rows: Float32Array, from: number, m: number, noise: number, seed: number): ClipQuery {
  return { embeddings: noisySlice(rng(seed), rows, d, from, m, noise), cuts: [] };
}

describe('Matcher', () => {
  it('finds the track containing the clip at the planted offset, with every strategy', async () => {
    const { store, rows } = library(11);
    const matcher = new Matcher(store, { ann: { stride: 1 } });
    const clip = clipFrom(rows.get(37)!, 17, 10, 0.25, 12);
    for (const strategy of ['exact', 'scan', 'prefilter', 'ann'] as const) {
      const results = await matcher.match(clip, { strategy, topK: 5 });
      expect(results[0].trackId).toBe(37);
      expect(results[0].offset).toBe(17);
      expect(results[0].alignScore).toBeGreaterThan(results[1].alignScore + 0.2);
      expect(results).toHaveLength(5);
    }
    expect(matcher.annSize).toBe(store.segmentCount);
  });

  it('gives the same top results with the int8 scan shortlist as with the exact alignment', async () => {
    const { store, rows } = library(13);
    const matcher = new Matcher(store, { scanThreshold: 100, scan: { stride: 2 } });
    expect(matcher.resolve('auto')).toBe('scan');
    for (const [id, from] of [[3, 0], [50, 20], [80, 9]]) {
      const clip = clipFrom(rows.get(id)!, from, 8, 0.3, id);
      const exact = await matcher.match(clip, { strategy: 'exact', topK: 3 });
      const fast = await matcher.match(clip, { topK: 3 });
      expect(fast[0]).toEqual(exact[0]);
      expect(fast[0].trackId).toBe(id);
    }
  });

  it('keeps the ANN index in step with removals and re-added tracks', async () => {
    const { store, rows } = library(17);
    const matcher = new Matcher(store, { ann: { stride: 1 } });
    const clip = clipFrom(rows.get(5)!, 4, 8, 0.2, 18);
    expect((await matcher.match(clip, { strategy: 'ann' }))[0].trackId).toBe(5);
    store.removeTrack(5);
    expect((await matcher.match(clip, { strategy: 'ann' })).map((r) => r.trackId)).not.toContain(5);
    expect(matcher.annSize).toBe(store.segmentCount);
    // Same id, other content: the old vectors must not linger in the index.
    store.addTrack(track(5, unitRows(rng(19), 40, d), d));
    store.addTrack(track(500, rows.get(5)!, d));
    const top = await matcher.match(clip, { strategy: 'ann' });
    expect(top[0].trackId).toBe(500);
    expect(matcher.annSize).toBe(store.segmentCount);
  });

  it('adds the beat/cut term: of two identical tracks the one whose beats meet the cuts wins by BEAT_WEIGHT', async () => {
    const rand = rng(21);
    const store = new SegmentStore(d);
    const shared = unitRows(rand, 40, d);
    // Beats on every whole second in one track, on every half-past in the other.
    const onSeconds = Array.from({ length: 48 }, (_, i) => i);
    const offGrid = onSeconds.map((t) => t + 0.5);
    store.addTrack(track(1, shared, d, { summary: summary({ beats: offGrid }) }));
    store.addTrack(track(2, shared, d, { summary: summary({ beats: onSeconds }) }));
    store.addTrack(track(3, unitRows(rand, 40, d), d));
    const clip: ClipQuery = { embeddings: noisySlice(rand, shared, d, 10, 8, 0.2), cuts: [1, 3, 4, 6] };
    const [first, second] = await new Matcher(store).match(clip, { beatRefine: 0 });
    expect(first.trackId).toBe(2);
    expect(first.beatShare).toBe(1);
    expect(second.trackId).toBe(1);
    expect(second.beatShare).toBe(0);
    expect(first.alignScore).toBeCloseTo(second.alignScore, 6);
    expect(first.score - second.score).toBeCloseTo(BEAT_WEIGHT, 6);
  });

  it('reports the offset relative to the clip start and honours exclusions', async () => {
    const { store, rows } = library(23);
    const matcher = new Matcher(store);
    const clip = { ...clipFrom(rows.get(9)!, 12, 8, 0.2, 24), firstStart: 2 };
    const [top] = await matcher.match(clip);
    expect(top.trackId).toBe(9);
    expect(top.offset).toBe(10);
    const without = await matcher.match(clip, { exclude: new Set([9]) });
    expect(without.map((r) => r.trackId)).not.toContain(9);
    expect(without).toHaveLength(10);
  });
});

describe('matchSections', () => {
  it('does not suggest one track for two sections unless repeats are allowed', async () => {
    const { store, rows } = library(29);
    const matcher = new Matcher(store);
    const a = clipFrom(rows.get(40)!, 0, 8, 0.2, 30);
    const b = clipFrom(rows.get(40)!, 20, 8, 0.6, 31);
    const repeated = await matchSections(matcher, [a, b], { topK: 4, allowRepeats: true });
    expect(repeated.map((list) => list[0].trackId)).toEqual([40, 40]);

    const distinct = await matchSections(matcher, [a, b], { topK: 4 });
    expect(distinct[0][0].trackId).toBe(40);
    expect(distinct[1]).toHaveLength(4);
    const ids = distinct.flat().map((r) => r.trackId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
