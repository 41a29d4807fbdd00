import { describe, expect, it } from 'vitest';
import { dotRows } from '../../../electron/engine/search/kernels';
import { clipRows, SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 24;

/** One clip block: a track's score is its best single cosine of a used clip row against a kept row (every stride-th). */
function bestSingleCosine(store: SegmentStore, slot: number, clip: Float32Array, used: number, stride: number): number {
  const first = store.firstRow(slot);
  let best = -Infinity;
  for (let i = 0; i < used; i++) for (let k = 0; k < store.rowCount(slot); k += stride) best = Math.max(best, dotRows(clip, i, store.rows(), first + k, d));
  return best;
}

/** Tracks of 6–70 rows (some shorter than the clips), plus one long source track the clips are cut from. */
function library(seed: number): { store: SegmentStore; source: Float32Array } {
  const rand = rng(seed);
  const store = new SegmentStore(d);
  for (let id = 0; id < 25; id++) store.addTrack(track(id, unitRows(rand, 6 + Math.floor(rand() * 64), d), d));
  const source = unitRows(rand, 80, d);
  store.addTrack(track(900, source, d));
  return { store, source };
}

describe('SegmentScan.scores (the shortlist key without window starts)', () => {
  it('with one clip block equals scan().score and the best single f32 cosine within quantisation', async () => {
    const { store, source } = library(81);
    const rand = rng(82);
    const m = 18; // stride 16: round(18 / 16) = 1 block of 16 rows
    const clip = noisySlice(rand, source, d, 21, m, 0.2);
    const scan = new SegmentScan(d, { stride: 16 });
    await scan.sync(store);
    const scores = await scan.scores(store, clip, m);
    const full = await scan.scan(store, clip, m);
    expect(Array.from(scores)).toEqual(Array.from(full.score));
    const used = clipRows(m, 16);
    for (let slot = 0; slot < store.trackCount; slot++) {
      if (store.rowCount(slot) < m) continue; // short tracks: scored exactly, same code path as scan()
      expect(Math.abs(scores[slot] - bestSingleCosine(store, slot, clip, used, 16))).toBeLessThan(0.02);
    }
    expect(store.idAt(scores.indexOf(Math.max(...scores)))).toBe(900);
    await scan.release();
  });

  it('with several clip blocks equals scan().score', async () => {
    const { store, source } = library(83);
    const clip = noisySlice(rng(84), source, d, 9, 20, 0.2);
    const scan = new SegmentScan(d, { stride: 4 });
    await scan.sync(store);
    expect(Array.from(await scan.scores(store, clip, 20))).toEqual(Array.from((await scan.scan(store, clip, 20)).score));
    await scan.release();
  });

  it('refuses to score before the scan is in sync', async () => {
    const { store } = library(85);
    await expect(new SegmentScan(d).scores(store, unitRows(rng(86), 4, d), 4)).rejects.toThrow(/not in sync/);
  });
});
