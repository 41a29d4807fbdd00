/**
 * The Explore map's coordinates. Until the engine offers the tracks' embeddings (a `tracks.map`
 * operation), each track is placed from what `tracks.list` gives: tempo, energy and key (on the
 * circle of fifths, minor keys beside their relative major). PCA below UMAP_FROM tracks, UMAP above.
 */
import type { TrackListItem } from '../../electron/contract/types';

export const UMAP_FROM = 300;

const PITCH: Record<string, number> = { C: 0, 'C#': 1, DB: 1, D: 2, 'D#': 3, EB: 3, E: 4, F: 5, 'F#': 6, GB: 6, G: 7, 'G#': 8, AB: 8, A: 9, 'A#': 10, BB: 10, B: 11 };

/** Angle (radians) of a key on the circle of fifths, null when unknown ("?"). */
export function keyAngle(key: string): { angle: number; minor: boolean } | null {
  const m = /^([A-Ga-g][#b]?)\s*(major|minor|maj|min|m)?$/i.exec(key.trim());
  if (!m) return null;
  const pc = PITCH[m[1].toUpperCase()];
  if (pc === undefined) return null;
  const minor = /^(minor|min|m)$/i.test(m[2] ?? '') && m[2] !== 'M';
  const major = minor ? (pc + 3) % 12 : pc;
  return { angle: (((major * 7) % 12) / 12) * 2 * Math.PI, minor };
}

/** One row per track: [tempo, energy, cos key, sin key, minor]; unknown values get the column mean later. */
export function trackFeatures(t: Pick<TrackListItem, 'bpm' | 'energy' | 'key'>): (number | null)[] {
  const k = keyAngle(t.key);
  return [t.bpm, t.energy, k ? Math.cos(k.angle) : null, k ? Math.sin(k.angle) : null, k ? (k.minor ? 1 : 0) : null];
}

/** Fill gaps with the column mean and scale each column to unit variance (constant columns → 0). */
export function standardise(rows: (number | null)[][]): number[][] {
  if (rows.length === 0) return [];
  const dims = rows[0].length;
  const out = rows.map(() => new Array<number>(dims).fill(0));
  for (let d = 0; d < dims; d++) {
    const vals = rows.map((r) => r[d]).filter((v): v is number => v !== null && Number.isFinite(v));
    const mean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : 0;
    const sd = vals.length > 1 ? Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length) : 0;
    for (let i = 0; i < rows.length; i++) {
      const v = rows[i][d];
      out[i][d] = sd > 1e-12 && v !== null && Number.isFinite(v) ? (v - mean) / sd : 0;
    }
  }
  return out;
}

/** The first two principal components of centred rows (power iteration with deflation). */
export function pca2(rows: number[][]): [number, number][] {
  const n = rows.length;
  if (n === 0) return [];
  const dims = rows[0].length;
  const mean = new Array<number>(dims).fill(0);
  for (const r of rows) for (let d = 0; d < dims; d++) mean[d] += r[d] / n;
  const x = rows.map((r) => r.map((v, d) => v - mean[d]));
  const cov = Array.from({ length: dims }, () => new Array<number>(dims).fill(0));
  for (const r of x) for (let a = 0; a < dims; a++) for (let b = 0; b < dims; b++) cov[a][b] += (r[a] * r[b]) / n;
  const comps: number[][] = [];
  for (let c = 0; c < 2; c++) {
    let v = Array.from({ length: dims }, (_, i) => 1 / Math.sqrt(dims) + i * 1e-3);
    for (let it = 0; it < 200; it++) {
      const w = cov.map((row) => row.reduce((s, cv, j) => s + cv * v[j], 0));
      const norm = Math.hypot(...w);
      if (norm < 1e-12) break;
      v = w.map((e) => e / norm);
    }
    comps.push(v);
    const lambda = v.reduce((s, vi, i) => s + vi * cov[i].reduce((t, cv, j) => t + cv * v[j], 0), 0);
    for (let a = 0; a < dims; a++) for (let b = 0; b < dims; b++) cov[a][b] -= lambda * v[a] * v[b];
  }
  return x.map((r) => [r.reduce((s, e, d) => s + e * comps[0][d], 0), r.reduce((s, e, d) => s + e * comps[1][d], 0)]);
}

/** Points scaled into [0, 1]² keeping the aspect ratio (the canvas maps it to pixels). */
export function fitUnit(points: [number, number][]): [number, number][] {
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

/** Ray casting: is (x, y) inside the polygon? */
export function insidePolygon(x: number, y: number, poly: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The lasso's tracks in map order along their main axis, so the playlist drifts, not jumps. */
export function orderAlongAxis(points: readonly [number, number][]): number[] {
  if (points.length < 3) return points.map((_, i) => i);
  const pc = pca2(points.map(([x, y]) => [x, y]));
  return pc.map(([a], i) => ({ a, i })).sort((p, q) => p.a - q.a).map((p) => p.i);
}

/** Indices of an evenly spaced sample of at most `max` out of `n` (deterministic). */
export function evenSample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/**
 * Place every row beside its nearest sampled row (in feature space): the sample was laid out by
 * UMAP, the rest would take minutes to lay out in a browser. `jitter(i)` in [−1, 1] spreads the
 * rows that share a neighbour by `spread` so they do not hide each other.
 */
export function placeBySample(rows: number[][], sample: number[], sampled: [number, number][], spread: number, jitter: () => number): [number, number][] {
  const out: [number, number][] = new Array(rows.length);
  sample.forEach((r, k) => (out[r] = sampled[k]));
  for (let i = 0; i < rows.length; i++) {
    if (out[i]) continue;
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < sample.length; k++) {
      const s = rows[sample[k]];
      let d = 0;
      for (let j = 0; j < s.length; j++) d += (s[j] - rows[i][j]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    out[i] = [sampled[best][0] + spread * jitter(), sampled[best][1] + spread * jitter()];
  }
  return out;
}
