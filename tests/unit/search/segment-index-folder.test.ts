import { mkdtempSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSegmentIndexIn } from '../../../electron/engine/search/segment-index';
import type { SearchTrackInfo, TrackSegments } from '../../../electron/engine/search/types';
import { moodRows, rng, track } from './synthetic';

const d = 16;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'needledrop-index-folder-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function tracks(seed: number, count: number): TrackSegments[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, i) => track(i + 1, moodRows(rand, 5 + Math.floor(rand() * 30), d), d));
}
const info = (): SearchTrackInfo => ({ summary: { duration: 1, bpm: 0, beats: [], key: '?', mode: 'minor', energy: 0 }, mood: { brightness: 0 } });
const segments = (list: TrackSegments[]): number => list.reduce((s, t) => s + t.embeddings.length / d, 0);

describe('segment indexes kept per key under one folder (loadSegmentIndexIn)', () => {
  it('two builds of one key at once both open a whole index, and one folder is left', async () => {
    const list = tracks(51, 40);
    const [a, b] = await Promise.all([loadSegmentIndexIn(root, 'k', d, () => list, info), loadSegmentIndexIn(root, 'k', d, () => list, info)]);
    for (const opened of [a, b]) {
      expect(opened.built).toBe(true);
      expect(opened.store.segmentCount).toBe(segments(list));
      const rows = new Float32Array(opened.store.rowCount(5) * d);
      opened.store.readRows(opened.store.firstRow(5), opened.store.rowCount(5), rows);
      expect(rows).toEqual(list[5].embeddings);
    }
    await a.close();
    await b.close();
    expect(readdirSync(root)).toHaveLength(1);
    const again = await loadSegmentIndexIn(root, 'k', d, () => list, info);
    expect(again.built).toBe(false);
    await again.close();
  });

  it('replaces a damaged index of the same key, and a new key removes the old one', async () => {
    const list = tracks(52, 12);
    await (await loadSegmentIndexIn(root, 'k1', d, () => list, info)).close();
    const [folder] = readdirSync(root);
    truncateSync(join(root, folder, 'rows.f32'), 64);
    const repaired = await loadSegmentIndexIn(root, 'k1', d, () => list, info);
    expect(repaired.built).toBe(true);
    expect(repaired.store.segmentCount).toBe(segments(list));
    await repaired.close();

    const fewer = list.slice(0, 4);
    const next = await loadSegmentIndexIn(root, 'k2', d, () => fewer, info);
    expect(next.store.trackCount).toBe(4);
    await next.close();
    expect(readdirSync(root)).toHaveLength(1);
    expect(readdirSync(root)[0]).not.toBe(folder);
  });
});
