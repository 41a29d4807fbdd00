/**
 * The Explore map on screen: where a point is drawn, its colour, and the lasso. The layout itself
 * comes from the engine (`library.map`: the tracks' vectors in the playlists' space, PCA/UMAP,
 * cached there); this file only maps it to pixels and colours.
 */
import type { MapPoint } from '../../electron/contract/types';

export type ColourBy = 'energy' | 'valence' | 'bpm' | 'key';

/** What each scale's ends mean, for the legend. */
export const SCALE_ENDS: Record<Exclude<ColourBy, 'key'>, [string, string]> = {
  energy: ['calm', 'energetic'],
  valence: ['dark, minor', 'bright, major'],
  bpm: ['60 BPM', '180 BPM'],
};

/** Space kept around the map inside the canvas (CSS px), so edge points and their rings show whole. */
export const MAP_PAD = 28;

/** Dot radius by library size: big enough to hover in a small library, small enough not to cover a large one. */
export function dotRadius(n: number): number {
  return n > 2000 ? 2 : n > 300 ? 4 : 6;
}

/** A point's position in [0, 1]² → canvas pixels: the largest centred square inside `pad`, y up. */
export function toPixel(p: Pick<MapPoint, 'x' | 'y'>, size: { w: number; h: number }, pad: number): [number, number] {
  const s = Math.min(size.w, size.h) - 2 * pad;
  const ox = (size.w - s) / 2;
  const oy = (size.h - s) / 2;
  return [ox + p.x * s, oy + (1 - p.y) * s];
}

/** 0..1 → blue (low) through green to orange (high). */
export function scaleHue(v: number): number {
  return 220 - Math.min(1, Math.max(0, v)) * 200;
}

/** The 0..1 value a point is coloured by (null for key, which has its own colours). */
export function scaleValue(p: Pick<MapPoint, 'energy' | 'valence' | 'bpm'>, by: Exclude<ColourBy, 'key'>): number {
  if (by === 'energy') return p.energy;
  if (by === 'valence') return p.valence;
  return p.bpm === null ? 0.5 : Math.min(1, Math.max(0, (p.bpm - 60) / 120));
}

export function pointColour(p: Pick<MapPoint, 'energy' | 'valence' | 'bpm'>, key: string, by: ColourBy): string {
  if (by === 'key') return `hsl(${(key.charCodeAt(0) * 47) % 360} 65% ${/minor/i.test(key) ? 50 : 65}%)`;
  const v = scaleValue(p, by);
  return `hsl(${scaleHue(v)} 80% ${52 + v * 10}%)`;
}

/**
 * The key colours in words (review R6.10: "Colour: Key" had no legend): each colour `pointColour`
 * gives a key, with the library's keys that share it (the hue follows the key's letter, the
 * lightness its mode), in the order first met.
 */
export function keyLegend(keys: readonly string[]): Array<{ colour: string; keys: string[] }> {
  const byColour = new Map<string, Set<string>>();
  for (const k of keys) {
    if (!k) continue;
    const colour = pointColour({ energy: 0, valence: 0, bpm: null }, k, 'key');
    byColour.set(colour, (byColour.get(colour) ?? new Set()).add(k));
  }
  return [...byColour].map(([colour, ks]) => ({ colour, keys: [...ks].sort() }));
}

/** The first two principal components of 2-D (or any) rows: power iteration with deflation. */
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
