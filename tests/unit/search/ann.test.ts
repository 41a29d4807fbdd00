import { describe, expect, it } from 'vitest';
import { SegmentAnn } from '../../../electron/engine/search/ann';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { noisySlice, rng, track, unitRows } from './synthetic';

const d = 24;

describe('SegmentAnn', () => {
  it('votes for the track holding the clip and proposes its window start, indexing every other segment', async () => {
    const rand = rng(61);
    const store = new SegmentStore(d);
    for (let id = 0; id < 30; id++) store.addTrack(track(id, unitRows(rand, 40, d), d));
    const ann = new SegmentAnn(d, { stride: 2, expansionAdd: 32 });
    const progress: number[] = [];
    await ann.sync(store, { chunkRows: 300, onProgress: (p) => progress.push(p.done) });
    expect(ann.size).toBe(30 * 20);
    expect(progress.at(-1)).toBe(600);
    expect(progress.length).toBeGreaterThan(1);
    const slot = store.slotOf(17);
    const rows = store.rows().subarray(store.firstRow(slot) * d, (store.firstRow(slot) + 40) * d);
    const clip = noisySlice(rand, rows, d, 11, 8, 0.1);
    const [top] = ann.candidates(clip, 8, 5);
    expect(top.trackId).toBe(17);
    expect(top.starts).toContain(11);
  });

  it('stops when the library changes mid-build and resumes on the next sync', async () => {
    const rand = rng(63);
    const store = new SegmentStore(d);
    for (let id = 0; id < 6; id++) store.addTrack(track(id, unitRows(rand, 10, d), d));
    const ann = new SegmentAnn(d, { stride: 1, expansionAdd: 16 });
    let changed = false;
    const onProgress = (): void => {
      if (changed) return;
      changed = true;
      store.addTrack(track(99, unitRows(rand, 10, d), d));
    };
    await expect(ann.sync(store, { chunkRows: 10, onProgress })).rejects.toThrow(/changed meanwhile/);
    expect(ann.inSync(store)).toBe(false);
    expect(ann.size).toBe(10);
    await ann.sync(store, { chunkRows: 10 });
    expect(ann.inSync(store)).toBe(true);
    expect(ann.size).toBe(70);
  });

  it('stops when cancelled', async () => {
    const store = new SegmentStore(d);
    store.addTrack(track(1, unitRows(rng(62), 10, d), d));
    const controller = new AbortController();
    controller.abort();
    await expect(new SegmentAnn(d).sync(store, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});
