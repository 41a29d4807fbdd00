/**
 * The map layout on vectors whose structure is known: two groups of unit rows around two
 * orthogonal directions. Whatever the method (PCA below UMAP_FROM rows, UMAP above), the groups
 * must come out apart, and the same rows with the same seed give the same map.
 */
import { describe, expect, it } from 'vitest';
import { layoutVectors, placeRest, UMAP_FROM } from '../../../electron/engine/map/layout';
import { createRng } from '../../../electron/engine/util/prng';

function twoGroups(n: number, dim: number, seed: number): { data: Float32Array; label: number[] } {
  const rng = createRng(seed);
  const data = new Float32Array(n * dim);
  const label: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = i % 2;
    label.push(g);
    const row = data.subarray(i * dim, (i + 1) * dim);
    for (let d = 0; d < dim; d++) row[d] = 0.15 * (rng.next() * 2 - 1);
    row[g] += 1; // group 0 around e0, group 1 around e1
    const norm = Math.hypot(...row);
    for (let d = 0; d < dim; d++) row[d] /= norm;
  }
  return { data, label };
}

/** Share of points whose nearest other point (2-D) has their label. */
function purity(points: Array<[number, number]>, label: number[]): number {
  let same = 0;
  points.forEach(([x, y], i) => {
    let best = Infinity;
    let at = -1;
    points.forEach(([u, v], j) => {
      const d = (x - u) ** 2 + (y - v) ** 2;
      if (j !== i && d < best) [best, at] = [d, j];
    });
    if (label[at] === label[i]) same++;
  });
  return same / points.length;
}

describe('layoutVectors', () => {
  it('uses PCA below UMAP_FROM rows and keeps two groups apart', async () => {
    const { data, label } = twoGroups(60, 16, 1);
    const r = await layoutVectors(data, 16);
    expect(r.method).toBe('PCA');
    expect(r.points).toHaveLength(60);
    expect(purity(r.points, label)).toBe(1);
    for (const [x, y] of r.points) for (const c of [x, y]) expect(c >= 0 && c <= 1).toBe(true);
  });

  it('uses UMAP from UMAP_FROM rows, seeded: two groups apart, the same map twice, progress to the end', async () => {
    const { data, label } = twoGroups(UMAP_FROM + 20, 16, 2);
    const seen: string[] = [];
    const a = await layoutVectors(data, 16, { seed: 3, onProgress: (phase, done, total) => seen.push(`${phase}:${done}/${total}`) });
    expect(a.method).toBe('UMAP');
    expect(purity(a.points, label)).toBeGreaterThan(0.95);
    expect(seen.at(-1)).toMatch(/^umap:(\d+)\/\1$/);
    const b = await layoutVectors(data, 16, { seed: 3 });
    expect(b.points).toEqual(a.points);
  }, 120_000);

  it('places the rows UMAP did not fit beside their most similar sampled row, the sampled ones where they were laid out', async () => {
    const unit = (a: number): number[] => [Math.cos(a), Math.sin(a)];
    // Rows 0 and 1 sampled (angles 0 and π/2); 2 and 4 lean to row 0, 3 and 5 to row 1.
    const data = Float32Array.from([0, Math.PI / 2, 0.2, 1.3, 0.4, 1.5].flatMap(unit));
    const fitted: Array<[number, number]> = [[0.1, 0.1], [0.9, 0.9]];
    const seen: string[] = [];
    const placed = await placeRest(data, 2, [0, 1], fitted, { onProgress: (p, d, t) => seen.push(`${p}:${d}/${t}`) });
    expect(placed.slice(0, 2)).toEqual(fitted);
    for (const [i, near] of [[2, 0], [3, 1], [4, 0], [5, 1]]) {
      expect(Math.abs(placed[i][0] - fitted[near][0])).toBeLessThanOrEqual(0.01);
      expect(Math.abs(placed[i][1] - fitted[near][1])).toBeLessThanOrEqual(0.01);
    }
    expect(seen.at(-1)).toBe('place:4/4');
  });

  it('stops when cancelled', async () => {
    const { data } = twoGroups(UMAP_FROM + 20, 16, 4);
    const ctl = new AbortController();
    ctl.abort(new Error('cancelled by test'));
    await expect(layoutVectors(data, 16, { signal: ctl.signal })).rejects.toThrow('cancelled by test');
  });
});
