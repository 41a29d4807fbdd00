import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

  describe('saved index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'needledrop-ann-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('saves after building, loads instead of rebuilding with the same results, and rebuilds when stale', async () => {
      const rand = rng(64);
      const store = new SegmentStore(d);
      for (let id = 0; id < 20; id++) store.addTrack(track(id, unitRows(rand, 30, d), d));
      const cache = { path: join(dir, 'segments.usearch'), key: 'model-a' };
      const opts = { stride: 1, expansionAdd: 32, cache };
      const slot = store.slotOf(9);
      const rows = store.rows().subarray(store.firstRow(slot) * d, (store.firstRow(slot) + 30) * d);
      const clip = noisySlice(rand, rows, d, 5, 8, 0.2);

      const built = new SegmentAnn(d, opts);
      await built.sync(store);
      expect(built.lastSync).toBe('built');
      const want = built.candidates(clip, 8, 5);
      expect(want[0].trackId).toBe(9);

      let progress = 0;
      const loaded = new SegmentAnn(d, opts);
      await loaded.sync(store, { onProgress: () => progress++ });
      expect(loaded.lastSync).toBe('loaded');
      expect(progress).toBe(0);
      expect(loaded.inSync(store)).toBe(true);
      expect(loaded.size).toBe(built.size);
      expect(loaded.candidates(clip, 8, 5)).toEqual(want);

      // Another model's index at the same path is stale.
      const otherModel = new SegmentAnn(d, { ...opts, cache: { ...cache, key: 'model-b' } });
      await otherModel.sync(store);
      expect(otherModel.lastSync).toBe('built');

      // Changed contents (same ids and counts, one row different) are stale too.
      const changed = new SegmentStore(d);
      for (let s = 0; s < store.trackCount; s++) {
        const first = store.firstRow(s);
        const emb = store.rows().slice(first * d, (first + store.rowCount(s)) * d);
        if (store.idAt(s) === 9) emb.set(unitRows(rand, 1, d), 3 * d);
        changed.addTrack(track(store.idAt(s), emb, d));
      }
      const fresh = new SegmentAnn(d, { ...opts, cache: { ...cache, key: 'model-b' } });
      await fresh.sync(changed);
      expect(fresh.lastSync).toBe('built');
      // A later session with the changed library loads what was just saved for it.
      const again = new SegmentAnn(d, { ...opts, cache: { ...cache, key: 'model-b' } });
      await again.sync(changed);
      expect(again.lastSync).toBe('loaded');
      expect(again.candidates(clip, 8, 5)).toEqual(fresh.candidates(clip, 8, 5));
    });
  });
});
