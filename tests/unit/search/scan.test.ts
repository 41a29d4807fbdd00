import { describe, expect, it } from 'vitest';
import { dotRows } from '../../../electron/engine/search/kernels';
import { scanStride, SegmentScan } from '../../../electron/engine/search/scan';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 24;

/**
 * The scan's definition in f32: mean over the clip rows it uses, i < stride · max(1, round(m / stride))
 * (whole blocks of stride rows), with (j + i) % stride == 0, of cos(clip i, track j + i); with one
 * block, the best single cosine of a used clip row against a kept row.
 */
function coarseF32(store: SegmentStore, slot: number, clip: Float32Array, m: number, stride: number): { score: number; start: number } {
  const blocks = Math.max(1, Math.round(m / stride));
  const used = Math.min(m, stride * blocks);
  const n = store.rowCount(slot);
  const first = store.firstRow(slot);
  if (blocks === 1 && n >= m) {
    // One block: each window hears one clip row, so the score is the best single (clip row, kept row) cosine.
    let best = -Infinity;
    for (let i = 0; i < used; i++) for (let k = 0; k < n; k += stride) best = Math.max(best, dotRows(clip, i, store.rows(), first + k, d));
    return { score: best, start: -1 };
  }
  let best = -Infinity;
  let start = 0;
  for (let j = 0; j <= Math.max(0, n - m); j++) {
    let sum = 0;
    let heard = 0;
    for (let i = 0; i < used; i++) {
      if ((j + i) % stride !== 0) continue;
      heard++;
      if (j + i < n) sum += dotRows(clip, i, store.rows(), first + j + i, d);
    }
    if (n >= m && sum / heard > best) [best, start] = [sum / heard, j];
  }
  if (n < m) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dotRows(clip, i, store.rows(), first + i, d);
    return { score: sum / m, start: 0 };
  }
  return { score: best, start };
}

describe('SegmentScan', () => {
  it('scores every track like the f32 definition, within int8 quantisation, for strides 1–4 and 8', async () => {
    const rand = rng(71);
    const store = new SegmentStore(d);
    for (let id = 0; id < 12; id++) store.addTrack(track(id, unitRows(rand, 6 + Math.floor(rand() * 40), d), d));
    const long = unitRows(rand, 40, d);
    store.addTrack(track(100, long, d));
    const m = 9;
    // Some tracks are shorter than the clip: they are scored on their one window, exactly.
    const clipRows = noisySlice(rand, long, d, 13, m, 0.3);
    for (const stride of [1, 2, 3, 4, 8]) {
      const scan = new SegmentScan(d, { stride });
      await scan.sync(store);
      expect(scan.stride).toBe(stride);
      const got = await scan.scan(store, clipRows, m);
      for (let s = 0; s < store.trackCount; s++) {
        const want = coarseF32(store, s, clipRows, m, stride);
        expect(Math.abs(got.score[s] - want.score)).toBeLessThan(0.02);
      }
      await scan.release();
    }
  });

  it('puts the planted track first at its window start and rebuilds after the library changes', async () => {
    const rand = rng(72);
    const store = new SegmentStore(d);
    for (let id = 0; id < 40; id++) store.addTrack(track(id, unitRows(rand, 60, d), d));
    const slot = store.slotOf(23);
    const source = store.rows().slice(store.firstRow(slot) * d, (store.firstRow(slot) + 60) * d);
    const clip = noisySlice(rand, source, d, 17, 12, 0.15);
    const scan = new SegmentScan(d, { stride: 3 });
    await scan.sync(store);
    const first = await scan.scan(store, clip, 12);
    const best = first.score.indexOf(Math.max(...first.score));
    expect(store.idAt(best)).toBe(23);
    expect(Math.abs(first.start[best] - 17)).toBeLessThan(3);
    expect(scan.size).toBe(40 * 20);

    store.removeTrack(23);
    store.addTrack(track(500, source, d));
    expect(scan.inSync(store)).toBe(false);
    await expect(scan.scan(store, clip, 12)).rejects.toThrow(/not in sync/);
    await scan.sync(store);
    const after = await scan.scan(store, clip, 12);
    expect(store.idAt(after.score.indexOf(Math.max(...after.score)))).toBe(500);
    await scan.release();
  });

  it('with one clip block (stride 16, 20-row clip) finds the track and the window its best vote implies', async () => {
    const rand = rng(74);
    const store = new SegmentStore(d);
    for (let id = 0; id < 30; id++) store.addTrack(track(id, unitRows(rand, 60, d), d));
    const slot = store.slotOf(7);
    const source = store.rows().slice(store.firstRow(slot) * d, (store.firstRow(slot) + 60) * d);
    // Rows 17..36: the only kept row inside is 32 (clip row 15), so the window is 32 − 15 = 17.
    const clip = noisySlice(rand, source, d, 17, 20, 0.15);
    const scan = new SegmentScan(d, { stride: 16 });
    await scan.sync(store);
    const got = await scan.scan(store, clip, 20);
    const best = got.score.indexOf(Math.max(...got.score));
    expect(store.idAt(best)).toBe(7);
    expect(got.start[best]).toBe(17);
    await scan.release();
  });

  it('stops when cancelled', async () => {
    const store = new SegmentStore(d);
    store.addTrack(track(1, unitRows(rng(73), 10, d), d));
    const controller = new AbortController();
    controller.abort();
    await expect(new SegmentScan(d).sync(store, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it('keeps at most ~64k rows by doubling the stride up to 8, and goes to 16 only above ~5M segments', () => {
    expect(scanStride(10_000)).toBe(1);
    expect(scanStride(100_000)).toBe(2);
    expect(scanStride(200_000)).toBe(4);
    expect(scanStride(1_000_000)).toBe(8);
    expect(scanStride(4_000_000)).toBe(8);
    expect(scanStride(10_000_000)).toBe(16);
    expect(scanStride(50_000_000)).toBe(16);
  });
});
