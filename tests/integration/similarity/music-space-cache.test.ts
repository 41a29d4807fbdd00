/**
 * MusicSpaceCache builds the track profile once and re-ranks it per request kind: `similar`
 * (normalised diffusion) and the playlists (neighbour augmentation) share one profile. Checked on
 * a real SQLite catalog with production signatures on disk (some tracks without one): the profile
 * is built once for both kinds, and each kind's ranking equals the re-ranking written out here
 * from its definition on the un-re-ranked profile (diffusion: F = Σ αᵗSᵗ by fixed-point
 * iteration; DBA: each row plus its 5 nearest weighted cos³), so a cache that handed one kind's
 * rows to the other, or a stale profile, fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary, type Library } from '../../../electron/engine/app/library';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { MusicSpaceCache, musicSpaceDir, similarCombined } from '../../../electron/engine/service/music-space';
import { DEFAULT_DIFFUSION, neighbourGraph } from '../../../electron/engine/similarity/diffusion';
import { PRODUCTION_CACHE_ID, PRODUCTION_FILE } from '../../../electron/engine/similarity/production';
import { DEFAULT_NEIGHBOUR_AUGMENT } from '../../../electron/engine/similarity/rerank';
import { trackVectors, type TrackVectors } from '../../../electron/engine/similarity/space';
import { writeVectorCache } from '../../../electron/engine/similarity/vector-cache';
import { createRng, gaussian } from '../../../electron/engine/util/prng';
import { placeAlbumFile, saveAlbumTrack } from './album-tracks';

const ALBUMS = 4;
const PER_ALBUM = 8;
const SIGNATURE = 16;
let dir: string;
let db: Catalog;
let lib: Library;

/** A production signature per album (shape + width halves) with per-track noise; `seed` varies both. */
function signature(album: number, track: number, seed: number): Float32Array {
  const rng = createRng(31 * (album + 1) + 1009 * track + 7 * seed);
  return Float32Array.from({ length: SIGNATURE }, (_, d) => Math.sin((album + seed) * (d + 1)) + 0.3 * gaussian(rng));
}

async function writeSignatures(seed: number): Promise<void> {
  const vectors = new Map<string, Float32Array>();
  // Track 7 of every album has no signature yet: it sits at the library's mean.
  for (let a = 0; a < ALBUMS; a++) for (let t = 0; t < PER_ALBUM - 1; t++) vectors.set(`hash-${a}-${t}`, signature(a, t, seed));
  await writeVectorCache(musicSpaceDir(dir), { spaceId: PRODUCTION_CACHE_ID, dim: SIGNATURE, vectors }, PRODUCTION_FILE);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nd-space-cache-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
  // The files are there (empty: never decoded here), as curation offers only tracks on disk (review R24).
  const root = join(dir, 'lib');
  for (let a = 0; a < ALBUMS; a++)
    for (let t = 0; t < PER_ALBUM; t++) {
      placeAlbumFile(root, a, t);
      saveAlbumTrack(db, a, t, { modelVersion: 'test', data: Float32Array.of(1, 0), dim: 2 }, root);
    }
  await writeSignatures(1);
  lib = loadLibrary(db, 'test');
});
afterAll(async () => {
  await lib.release();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const dot = (v: { data: Float32Array | Float64Array; dim: number }, i: number, j: number): number => {
  let s = 0;
  for (let d = 0; d < v.dim; d++) s += v.data[i * v.dim + d] * v.data[j * v.dim + d];
  return s;
};

/** Normalised diffusion similarity F_ij/√(F_ii F_jj), F the fixed point of F = I + αS·F. */
function diffusionSimilarity(profile: TrackVectors): Float64Array {
  const n = profile.trackIds.length;
  const { alpha } = DEFAULT_DIFFUSION;
  const w = neighbourGraph(profile.data, profile.dim, DEFAULT_DIFFUSION);
  const deg = Array.from({ length: n }, (_, i) => w.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0));
  let f = new Float64Array(n * n);
  // α 0.9: after 500 rounds the remainder is below 0.9^500 ≈ 1e-23 of the sum.
  for (let round = 0; round < 500; round++) {
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      next[i * n + i] = 1;
      for (let m = 0; m < n; m++) {
        const s = w[i * n + m] / Math.sqrt(deg[i] * deg[m]);
        if (s === 0) continue;
        for (let j = 0; j < n; j++) next[i * n + j] += alpha * s * f[m * n + j];
      }
    }
    f = next;
  }
  return f.map((v, x) => v / Math.sqrt(f[Math.floor(x / n) * (n + 1)] * f[(x % n) * (n + 1)]));
}

/** DBA by its definition: each unit row plus its k nearest weighted max(cos, 0)^α, normalised. */
function augmented(profile: TrackVectors): { data: Float64Array; dim: number } {
  const n = profile.trackIds.length;
  const { dim } = profile;
  const { k, alpha } = DEFAULT_NEIGHBOUR_AUGMENT;
  const data = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    others.sort((a, b) => dot(profile, i, b) - dot(profile, i, a) || a - b);
    const row = Array.from(profile.data.subarray(i * dim, (i + 1) * dim), Number);
    for (const j of others.slice(0, k)) {
      const wj = Math.max(dot(profile, i, j), 0) ** alpha;
      for (let d = 0; d < dim; d++) row[d] += wj * profile.data[j * dim + d];
    }
    const norm = Math.hypot(...row);
    data.set(row.map((x) => x / norm), i * dim);
  }
  return { data, dim };
}

/** Both kinds' rankings against the re-rankings computed here from the un-re-ranked profile. */
async function expectRankings(cache: MusicSpaceCache): Promise<void> {
  const profile = await trackVectors(db, { kind: 'descriptor-stats', productionDir: musicSpaceDir(dir), rerank: 'none' });
  const n = profile.trackIds.length;
  const sim = diffusionSimilarity(profile);
  for (const [i, seed] of profile.trackIds.entries()) {
    const list = await similarCombined(lib, dir, cache, seed, 5);
    const want = profile.trackIds
      .map((id, j) => ({ id, s: sim[i * n + j] }))
      .filter((e) => e.id !== seed)
      .sort((a, b) => b.s - a.s || a.id - b.id)
      .slice(0, 5);
    expect(list.map((e) => e.track.id)).toEqual(want.map((e) => e.id));
    list.forEach((e, r) => expect(e.score).toBeCloseTo(want[r].s, 2));
  }
  const dba = augmented(profile);
  const moreLike = await cache.space(lib, dir, 'more-like');
  const music = (await cache.descriptorStats(lib, dir, 'neighbours')) as TrackVectors;
  expect(moreLike.parts[0]).toMatchObject({ space: 'descriptor-stats', dim: profile.dim });
  expect(music.trackIds).toEqual(profile.trackIds);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(dot(music, i, j)).toBeCloseTo(dot(dba, i, j), 4);
}

describe('MusicSpaceCache: one profile, re-ranked per request kind', () => {
  it('builds the profile once for `similar` and the playlists, and each ranking is its own re-ranking of it', async () => {
    const cache = new MusicSpaceCache();
    await cache.space(lib, dir, 'similar');
    await cache.space(lib, dir, 'more-like');
    await cache.space(lib, dir, 'explore');
    expect(cache.reads.stats).toBe(1);
    // Two kinds (diffusion, neighbours), each re-ranked once.
    expect(cache.reranks).toBe(2);
    await expectRankings(cache);
    expect(cache.reads.stats).toBe(1);
    expect(cache.reranks).toBe(2);
  });

  it('new production signatures: the profile is built again once, and both kinds follow it', async () => {
    const cache = new MusicSpaceCache();
    await cache.space(lib, dir, 'similar');
    const before = await cache.descriptorStats(lib, dir, 'diffusion');
    // Other signatures (each album's pattern shifted, new noise): another profile.
    await writeSignatures(2);
    await cache.space(lib, dir, 'more-like');
    await cache.space(lib, dir, 'similar');
    expect(cache.reads.stats).toBe(2);
    expect(cache.reranks).toBe(3);
    const after = await cache.descriptorStats(lib, dir, 'diffusion');
    expect(after).not.toBe(before);
    expect(Array.from(after.data)).not.toEqual(Array.from(before.data));
    await expectRankings(cache);
    await writeSignatures(1);
  });
});
