/**
 * The Explore map, the caches and the provider in use, through the real Engine: a catalog
 * scanned (real ffmpeg, onnxruntime-node, SQLite) from a generated library of two clearly
 * different groups. Truths: the groups' labels (the map must keep them apart), the stored
 * analysis (valence recomputed from the catalog's own summary and features), the files on disk.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { TrackMap } from '../../../electron/contract/types';
import { brightnessLevel, columnMean } from '../../../electron/engine/app/scales';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { trackByPath } from '../../../electron/engine/catalog/tracks';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { makeTwoGroups, type Group } from './fixture';

const tmp = mkdtempSync(join(tmpdir(), 'nd-explore-'));
const music = join(tmp, 'music');
const dataDir = join(tmp, 'data');
let engine: Engine;
let labels: Map<string, Group>;
let pathOf: Map<number, string>;

/** Nearest-neighbour purity on the map: the share of points whose nearest other point has their label. */
function purity(map: TrackMap, label: (id: number) => Group): number {
  let same = 0;
  for (const p of map.points) {
    let best = Infinity;
    let bestId = -1;
    for (const q of map.points) {
      if (q.id === p.id) continue;
      const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
      if (d < best) [best, bestId] = [d, q.id];
    }
    if (label(bestId) === label(p.id)) same++;
  }
  return same / map.points.length;
}

/** Mean silhouette of the labelled points (2-D Euclidean): > 0.5 means well separated groups. */
function silhouette(map: TrackMap, label: (id: number) => Group): number {
  const s = map.points.map((p) => {
    const mean = (g: boolean) => {
      const others = map.points.filter((q) => q.id !== p.id && (label(q.id) === label(p.id)) === g);
      return others.reduce((t, q) => t + Math.hypot(p.x - q.x, p.y - q.y), 0) / others.length;
    };
    const a = mean(true);
    const b = mean(false);
    return (b - a) / Math.max(a, b);
  });
  return s.reduce((a, b) => a + b, 0) / s.length;
}

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  labels = await makeTwoGroups(music, 6);
  engine = new Engine(contextFromEnv({}, { dataDir, threads: 2 }));
  await engine.call('library.addFolder', { path: music });
  const report = await runJob(engine, 'library.scan', { jobs: 2 });
  expect(report.failed).toEqual([]);
  const page = await engine.call('tracks.list', { limit: 100 });
  pathOf = new Map(page.tracks.map((t) => [t.id, t.path]));
}, 300_000);

afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const labelOf = (id: number): Group => labels.get(pathOf.get(id)!)!;

describe('the Explore map', () => {
  let first: TrackMap;

  it('puts every track on the map, the two planted groups apart', async () => {
    first = await runJob(engine, 'library.map', {});
    expect(first.points).toHaveLength(labels.size);
    expect(first.missing).toBe(0);
    expect(first.method).toBe('PCA');
    expect(first.cached).toBe(false);
    // What the map shows: music space and mood space, half each.
    expect(first.spaces.map((s) => s.space)).toEqual(['descriptor-stats', 'mood:base']);
    expect(first.spaces.reduce((a, s) => a + s.weight, 0)).toBeCloseTo(1, 3);
    for (const p of first.points) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(1);
    }
    // Chance purity for two equal groups is (n/2 − 1)/(n − 1) ≈ 0.45; the groups differ in every descriptor.
    expect(purity(first, labelOf)).toBe(1);
    expect(silhouette(first, labelOf)).toBeGreaterThan(0.5);
  }, 120_000);

  it('gives each point the valence and energy the catalog says', async () => {
    const db = openCatalog(join(dataDir, 'catalog.sqlite'));
    try {
      for (const p of first.points) {
        const row = trackByPath(db, pathOf.get(p.id)!)!;
        const seq = getFeatures(db, row.id, 'audio')!;
        const bright = typeof row.summary.centroidHz === 'number' ? brightnessLevel(row.summary.centroidHz) : brightnessLevel(columnMean(seq.data, seq.names, seq.D, 'centroid_hz'));
        // Valence: half for a major key, half for a bright spectrum.
        expect(p.valence).toBeCloseTo((row.summary.mode === 'major' ? 0.5 : 0) + 0.5 * bright, 2);
      }
      const list = await engine.call('tracks.list', { limit: 100 });
      for (const t of list.tracks) expect(first.points.find((p) => p.id === t.id)?.energy).toBe(t.energy);
    } finally {
      db.close();
    }
    // The bright group is brighter: its spectral half of valence is higher in every pair.
    const half = (id: number): number => {
      const p = first.points.find((q) => q.id === id)!;
      return p.valence % 0.5;
    };
    const ids = first.points.map((p) => p.id);
    const minBright = Math.min(...ids.filter((i) => labelOf(i) === 'bright').map(half));
    const maxDark = Math.max(...ids.filter((i) => labelOf(i) === 'dark').map(half));
    expect(minBright).toBeGreaterThan(maxDark);
  });

  it('serves the map again from its cache, and rebuilds the same map once the cache is cleared', async () => {
    const again = await runJob(engine, 'library.map', {});
    expect(again.cached).toBe(true);
    expect(again.points).toEqual(first.points);
    const before = await engine.call('cache.info');
    const mapCache = before.find((c) => c.name === 'map')!;
    expect(mapCache.files).toBe(1);
    expect(mapCache.bytes).toBeGreaterThan(0);

    const after = await engine.call('cache.clear', { name: 'map' });
    expect(after.find((c) => c.name === 'map')).toMatchObject({ files: 0, bytes: 0 });
    // Nothing else went: the catalog still lists every track, the model is still there.
    expect((await engine.call('tracks.list', { limit: 1 })).total).toBe(labels.size);
    expect((await engine.call('models.list')).active).toBe('base');

    const rebuilt = await runJob(engine, 'library.map', {});
    expect(rebuilt.cached).toBe(false);
    // Seeded: the same library gets the same map.
    expect(rebuilt.points).toEqual(first.points);
    expect((await engine.call('cache.info')).find((c) => c.name === 'map')!.files).toBe(1);
  }, 120_000);

  it('still answers when its cache cannot be written (a file where the cache folder goes)', async () => {
    await engine.call('cache.clear', { name: 'map' });
    const folder = join(dataDir, 'map-cache');
    rmSync(folder, { recursive: true, force: true });
    writeFileSync(folder, 'not a folder');
    try {
      const map = await runJob(engine, 'library.map', {});
      expect(map.cached).toBe(false);
      expect(map.points).toEqual(first.points);
    } finally {
      rmSync(folder, { force: true });
    }
  }, 120_000);
});

describe('caches and the provider in use', () => {
  it('lists every cache with its size and never the catalog, models or settings', async () => {
    const caches = await engine.call('cache.info');
    expect(caches.map((c) => c.name).sort()).toEqual(['base-benchmark', 'checkpoints', 'edit-features', 'map', 'music-space-vectors', 'production-signatures', 'profile-cache', 'segment-index']);
    for (const c of caches) {
      expect(c.path).not.toMatch(/catalog\.sqlite$|settings\.json|active-model\.json|[/\\]models([/\\]|$)/);
      expect(c.clearable).toBe(true);
    }
  });

  it('clears a cache that does not exist yet without harm', async () => {
    const r = await engine.call('cache.clear', { name: 'checkpoints' });
    expect(r.find((c) => c.name === 'checkpoints')).toMatchObject({ files: 0, bytes: 0 });
    await expect(engine.call('cache.clear', { name: 'catalog' as never })).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('reports the provider setting and the one onnxruntime runs on: auto → cpu on this machine', async () => {
    const info = await engine.call('engine.info');
    expect(info.provider).toBe('auto');
    expect(info.providerInUse).toBe('cpu');
  });
});
