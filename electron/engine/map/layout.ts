/**
 * The Explore map's layout: one vector per track (unit rows) → points in [0, 1]².
 * PCA below UMAP_FROM tracks (UMAP needs neighbourhoods to learn from, and PCA of a few hundred
 * rows is instant and stable); UMAP (umap-js) above, seeded so the same library gets the same
 * map, fitted on an even sample of at most MAX_FIT rows with the rest placed beside their nearest
 * sampled row (laying out 10,000 rows would take minutes).
 */
import { UMAP } from 'umap-js';
import { dotBlock } from '../search/kernels';
import { createRng } from '../util/prng';

export const UMAP_FROM = 300;
export const MAX_FIT = 2000;

export interface LayoutOptions {
  seed?: number;
  signal?: AbortSignal;
  /** Progress of the long part (UMAP epochs, then placing the rest). */
  onProgress?: (phase: 'umap' | 'place', done: number, total: number) => void;
}

export interface Layout {
  method: 'PCA' | 'UMAP';
  /** Row i's point, in [0, 1]², aspect kept. */
  points: Array<[number, number]>;
}

function row(data: Float32Array, dim: number, i: number): Float32Array {
  return data.subarray(i * dim, (i + 1) * dim);
}

/**
 * The first two principal components of the rows, by power iteration on X·Xᵀ-free updates
 * (v ← Xᵀ(X v)): cost O(n·dim) per iteration, no dim × dim covariance. The sign of each axis is
 * fixed (largest |coordinate| positive) so a rebuild never mirrors the map.
 */
export function pcaPoints(data: Float32Array, dim: number, n: number): Array<[number, number]> {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += data[i * dim + d] / n;
  const x = (i: number, d: number): number => data[i * dim + d] - mean[d];
  const comps: Float64Array[] = [];
  const coords: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(dim).map((_, d) => 1 / Math.sqrt(dim) + ((d * 7919) % 13) * 1e-3);
    const proj = new Float64Array(n);
    for (let it = 0; it < 100; it++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += x(i, d) * v[d];
        proj[i] = s;
      }
      const w = new Float64Array(dim);
      for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) w[d] += x(i, d) * proj[i];
      // Deflate: remove the earlier components from the update.
      for (const u of comps) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += w[d] * u[d];
        for (let d = 0; d < dim; d++) w[d] -= dot * u[d];
      }
      const norm = Math.hypot(...w);
      if (!(norm > 1e-12)) break;
      const next = w.map((e) => e / norm);
      const delta = next.reduce((s, e, d) => s + Math.abs(e - v[d]), 0);
      v = next;
      if (delta < 1e-9) break;
    }
    const p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += x(i, d) * v[d];
      p[i] = s;
    }
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(p[i]) > Math.abs(big)) big = p[i];
    if (big < 0) p.forEach((e, i) => (p[i] = -e));
    comps.push(v);
    coords.push(p);
  }
  return Array.from({ length: n }, (_, i) => [coords[0][i], coords[1][i]]);
}

/** Points scaled into [0, 1]² keeping the aspect ratio, centred. */
export function fitUnit(points: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  if (points.length === 0) return [];
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x, y] of points) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const ox = (span - (maxX - minX)) / 2, oy = (span - (maxY - minY)) / 2;
  return points.map(([x, y]) => [(x - minX + ox) / span, (y - minY + oy) / span]);
}

/** Indices of an evenly spaced sample of at most `max` out of `n` (deterministic). */
export function evenSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

const aborted = (signal?: AbortSignal): void => {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
};

/**
 * Every row at its sampled point (sample[k] at fitted[k]); every other row beside its most
 * similar sampled row (cosine: rows are unit), jittered by ±0.01 so tracks sharing a neighbour
 * do not hide each other. Scored a block of rows at a time with the search's register-blocked
 * kernel: at 10,000 tracks that is 8,000 × 2,000 dot products of ~200 dims.
 */
export async function placeRest(
  data: Float32Array,
  dim: number,
  sample: readonly number[],
  fitted: ReadonlyArray<readonly [number, number]>,
  opts: LayoutOptions = {},
): Promise<Array<[number, number]>> {
  const n = data.length / dim;
  const out = new Array<[number, number]>(n);
  sample.forEach((r, k) => (out[r] = [fitted[k][0], fitted[k][1]]));
  const jitter = createRng((opts.seed ?? 7) + 1).next;
  const spread = 0.01;
  const m = sample.length;
  const sampled = new Float32Array(m * dim);
  sample.forEach((r, k) => sampled.set(row(data, dim, r), k * dim));
  const inSample = new Set(sample);
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !inSample.has(i));
  const BLOCK = 64;
  const queries = new Float32Array(BLOCK * dim);
  const scores = new Float32Array(BLOCK * m);
  for (let b0 = 0; b0 < rest.length; b0 += BLOCK) {
    opts.onProgress?.('place', b0, rest.length);
    aborted(opts.signal);
    await new Promise((r) => setImmediate(r));
    const count = Math.min(BLOCK, rest.length - b0);
    for (let j = 0; j < count; j++) queries.set(row(data, dim, rest[b0 + j]), j * dim);
    dotBlock(queries, count, sampled, 0, m, dim, scores);
    for (let j = 0; j < count; j++) {
      let best = 0;
      for (let k = 1; k < m; k++) if (scores[j * m + k] > scores[j * m + best]) best = k;
      out[rest[b0 + j]] = [fitted[best][0] + spread * (jitter() * 2 - 1), fitted[best][1] + spread * (jitter() * 2 - 1)];
    }
  }
  opts.onProgress?.('place', rest.length, rest.length);
  return out;
}

async function umapPoints(data: Float32Array, dim: number, n: number, opts: LayoutOptions): Promise<Array<[number, number]>> {
  const sample = evenSample(n, MAX_FIT);
  const rows = sample.map((i) => Array.from(row(data, dim, i)));
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(15, rows.length - 1)),
    minDist: 0.1,
    random: createRng(opts.seed ?? 7).next,
    // Larger maps get fewer epochs: the layout settles early.
    nEpochs: rows.length > 800 ? 200 : 400,
  });
  opts.onProgress?.('umap', 0, 1); // the neighbour graph comes first, before any epoch
  const epochs = umap.initializeFit(rows);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (e % 10 === 0) {
      opts.onProgress?.('umap', e, epochs);
      aborted(opts.signal);
      // Let the engine answer other calls between slices of the optimisation.
      await new Promise((r) => setImmediate(r));
    }
  }
  opts.onProgress?.('umap', epochs, epochs);
  const fitted = fitUnit(umap.getEmbedding() as Array<[number, number]>);
  // Every row was laid out (the sample is 0..n−1 then): nothing to place.
  return sample.length === n ? fitted : placeRest(data, dim, sample, fitted, opts);
}

/** Lay out n rows of `dim` (row-major): PCA below UMAP_FROM rows, UMAP from there. */
export async function layoutVectors(data: Float32Array, dim: number, opts: LayoutOptions = {}): Promise<Layout> {
  const n = dim > 0 ? data.length / dim : 0;
  if (n === 0) return { method: 'PCA', points: [] };
  if (n === 1) return { method: 'PCA', points: [[0.5, 0.5]] };
  if (n < UMAP_FROM) return { method: 'PCA', points: fitUnit(pcaPoints(data, dim, n)) };
  return { method: 'UMAP', points: fitUnit(await umapPoints(data, dim, n, opts)) };
}
