import { mkdtempSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { iterateSegments, segmentsFingerprint, segmentTotals } from '../../../electron/engine/catalog/segments';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { Matcher } from '../../../electron/engine/search/matcher';
import { loadSegmentIndex, openSegmentIndex, writeSegmentIndex } from '../../../electron/engine/search/segment-index';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import type { TrackId, SearchTrackInfo, TrackSegments } from '../../../electron/engine/search/types';
import { moodRows, noisySlice, rng, summary, track } from './synthetic';

const d = 32;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'needledrop-segment-index-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** ~3k segments: 50 tracks of 10–110 rows (some shorter than the clips), ids out of order, distinct beats per track. */
function tracks(seed: number): TrackSegments[] {
  const rand = rng(seed);
  return Array.from({ length: 50 }, (_, i) => {
    const id = 1000 - 7 * i;
    const n = 10 + Math.floor(rand() * 100);
    const beats = Array.from({ length: n * 2 }, (_, b) => b * (0.4 + (i % 5) * 0.05));
    return track(id, moodRows(rand, n, d), d, { summary: summary({ duration: n + 7, beats }) });
  });
}

function memoryStore(list: TrackSegments[]): SegmentStore {
  const store = new SegmentStore(d);
  for (const t of list) store.addTrack(t);
  return store;
}

const infoOf = (list: TrackSegments[]) => {
  const byId = new Map(list.map((t) => [t.id, { summary: t.summary, mood: t.mood }]));
  return (id: TrackId): SearchTrackInfo => byId.get(id)!;
};

describe('segment index on disk', () => {
  it('holds the same rows, starts and track vectors, and matches exactly like the store in memory', async () => {
    const list = tracks(31);
    const memory = memoryStore(list);
    await writeSegmentIndex(dir, 'k1', d, list, { stride: 2 });
    const opened = (await openSegmentIndex(dir, 'k1', infoOf(list)))!;
    const disk = opened.store;
    expect(disk.onDisk).toBe(true);
    expect(disk.segmentCount).toBe(memory.segmentCount);
    expect(disk.trackIds()).toEqual(list.map((t) => t.id));
    for (const t of [list[0], list[17], list[49]]) {
      const slot = disk.slotOf(t.id);
      const rows = new Float32Array(disk.rowCount(slot) * d);
      disk.readRows(disk.firstRow(slot), disk.rowCount(slot), rows);
      expect(rows).toEqual(t.embeddings);
      expect(Array.from(disk.startsAt(slot))).toEqual(Array.from(t.starts));
      expect(disk.trackVector(t.id)).toEqual(memory.trackVector(t.id));
    }

    // The scan shortlists from the saved codes; the full alignment reads rows from the file.
    const onDisk = new Matcher(disk, { scanThreshold: 100, scanner: opened.scan });
    const inMemory = new Matcher(memory, { scanThreshold: 100, scan: { stride: 2 } });
    expect(onDisk.resolve('auto')).toBe('scan');
    const rand = rng(32);
    for (const t of [list[3], list[20], list[44]]) {
      const n = t.embeddings.length / d;
      const m = Math.min(12, n);
      const clip = { embeddings: noisySlice(rand, t.embeddings, d, Math.floor(rand() * (n - m + 1)), m, 0.3), cuts: [2, 4.1, 6] };
      const exactMemory = await inMemory.match(clip, { strategy: 'exact', topK: 10 });
      // Same rows, same arithmetic: the exact ranking from disk is the in-memory one, number for number.
      expect(await onDisk.match(clip, { strategy: 'exact', topK: 10 })).toEqual(exactMemory);
      const scanned = await onDisk.match(clip, { topK: 10 });
      expect(scanned[0]).toEqual(exactMemory[0]);
      expect(scanned[0].trackId).toBe(t.id);
      expect(scanned.map((r) => r.trackId)).toEqual(exactMemory.map((r) => r.trackId));
    }
    await onDisk.release();
    await inMemory.release();
    await opened.close();
  });

  it('is read-only, opens only for its key, and is rebuilt when stale or damaged', async () => {
    const list = tracks(33);
    await writeSegmentIndex(dir, 'k1', d, list);
    expect(await openSegmentIndex(dir, 'other', infoOf(list))).toBeNull();

    const same = await loadSegmentIndex(dir, 'k1', d, () => list, infoOf(list));
    expect(same.built).toBe(false);
    expect(() => same.store.addTrack(list[0])).toThrow(/read-only/);
    expect(() => same.store.rows()).toThrow(/on disk/);
    const rows = new Float32Array(4 * d);
    expect(() => same.store.readRows(same.store.segmentCount - 2, 4, rows)).toThrow(/rows\.f32: rows \d+\.\.\d+ are outside its \d+ rows/);
    await same.close();

    // A stale key rebuilds from the source given now.
    const fewer = list.slice(0, 20);
    const rebuilt = await loadSegmentIndex(dir, 'k2', d, () => fewer, infoOf(list));
    expect(rebuilt.built).toBe(true);
    expect(rebuilt.store.trackCount).toBe(20);
    await rebuilt.close();

    // The scan's weights are read by onnxruntime from scan.i8: a damaged one is caught before that.
    truncateSync(join(dir, 'scan.i8'), 10);
    await expect(openSegmentIndex(dir, 'k2', infoOf(list))).rejects.toThrow(/scan\.i8: holds 10 bytes.*damaged/);
    await (await loadSegmentIndex(dir, 'k2', d, () => fewer, infoOf(list))).close();

    truncateSync(join(dir, 'rows.f32'), 1000);
    await expect(openSegmentIndex(dir, 'k2', infoOf(list))).rejects.toThrow(/rows\.f32: holds 1000 bytes.*damaged/);
    const repaired = await loadSegmentIndex(dir, 'k2', d, () => fewer, infoOf(list));
    expect(repaired.built).toBe(true);
    expect(repaired.store.segmentCount).toBe(fewer.reduce((s, t) => s + t.embeddings.length / d, 0));
    await repaired.close();
  });

  it('rejects a track given twice and stops when cancelled', async () => {
    const list = tracks(34);
    await expect(writeSegmentIndex(dir, 'k', d, [list[0], list[1], list[0]])).rejects.toThrow(/given twice/);
    const controller = new AbortController();
    controller.abort();
    await expect(writeSegmentIndex(dir, 'k', d, list, { signal: controller.signal })).rejects.toThrow(/cancelled/);
    expect(await openSegmentIndex(dir, 'k', infoOf(list))).toBeNull();
  });
});

describe('catalog segments for the index', () => {
  it('reads each track once in id order, and the fingerprint changes when a file is re-analysed', async () => {
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      const rand = rng(35);
      const save = (path: string, n: number, hash: string) =>
        saveAnalysis(db, {
          file: { path, size: 1, mtimeMs: 1, hash },
          info: { title: null, artist: null, album: null, duration: n },
          summary: { bpm: 120, key: 'C', mode: 'major', energy: 0.5, beats: [] },
          features: { step: 0.5, names: ['a'], data: new Float32Array(4), T: 4, D: 1, spec: 's', start: 0 },
          segments: { modelVersion: 'v1', set: { dim: d, starts: Float32Array.from({ length: n }, (_, i) => i), data: moodRows(rand, n, d) } },
        });
      const a = save('/m/a.mp3', 12, 'ha').trackId;
      const b = save('/m/b.mp3', 7, 'hb').trackId;
      const read = [...iterateSegments(db, 'v1')];
      expect(read.map((r) => [r.id, r.starts.length, r.embeddings.length])).toEqual([[a, 12, 12 * d], [b, 7, 7 * d]]);
      expect([...iterateSegments(db, 'v2')]).toEqual([]);
      expect(segmentTotals(db, 'v1')).toEqual({ segments: 19, dim: d });
      expect(segmentTotals(db, 'v2')).toEqual({ segments: 0, dim: 0 });

      const before = segmentsFingerprint(db, 'v1');
      expect(segmentsFingerprint(db, 'v1')).toBe(before);
      expect(segmentsFingerprint(db, 'v2')).not.toBe(before);
      save('/m/b.mp3', 7, 'hb-changed');
      expect(segmentsFingerprint(db, 'v1')).not.toBe(before);

      await writeSegmentIndex(join(dir, 'index'), segmentsFingerprint(db, 'v1'), d, iterateSegments(db, 'v1'));
      const opened = (await openSegmentIndex(join(dir, 'index'), segmentsFingerprint(db, 'v1'), () => ({ summary: summary(), mood: { brightness: 0.5 } })))!;
      expect(opened.store.trackIds()).toEqual([a, b]);
      await opened.close();
    } finally {
      db.close();
    }
  });
});
