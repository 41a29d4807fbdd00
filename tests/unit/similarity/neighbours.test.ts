import { describe, expect, it } from 'vitest';
import { componentOrders, diffusionEmbedding, graphEdges, neighbourGraph } from '../../../electron/engine/similarity/diffusion';
import { nearestNeighbours, neighbourRecall } from '../../../electron/engine/similarity/neighbours';
import { augmentByNeighbours } from '../../../electron/engine/similarity/rerank';
import { createRng } from '../../../electron/engine/util/prng';

/** n unit rows in `clusters` clusters of `dim` dims (centre + noise·Gaussian), seeded. */
function clustered(n: number, dim: number, clusters: number, noise: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, gauss));
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const v = centres[i % clusters].map((x) => x + noise * gauss());
    const norm = Math.hypot(...v);
    v.forEach((x, d) => (rows[i * dim + d] = x / norm));
  }
  return rows;
}

/** The plain reference: every other row sorted by f32 cosine (f64 sum), higher first, ties to the lower index. */
function sortedOthers(rows: Float32Array, dim: number, i: number): Array<{ j: number; s: number }> {
  const n = rows.length / dim;
  const out: Array<{ j: number; s: number }> = [];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    let s = 0;
    for (let d = 0; d < dim; d++) s += rows[i * dim + d] * rows[j * dim + d];
    out.push({ j, s: Math.fround(s) });
  }
  return out.sort((a, b) => b.s - a.s || a.j - b.j);
}

describe('nearestNeighbours', () => {
  it('exact lists equal a full sort of the cosine matrix, duplicate rows tied to the lower index', () => {
    const dim = 24;
    const base = clustered(150, dim, 6, 1.2, 3);
    // Rows 150–159 repeat rows 0–9 exactly: ties that only the index can order.
    const rows = new Float32Array(160 * dim);
    rows.set(base);
    rows.set(base.subarray(0, 10 * dim), 150 * dim);
    const k = 7;
    const lists = nearestNeighbours(rows, dim, k, { method: 'exact' });
    expect(lists.method).toBe('exact');
    for (let i = 0; i < 160; i++) {
      const want = sortedOthers(rows, dim, i).slice(0, k);
      expect([...lists.ids.subarray(i * k, (i + 1) * k)]).toEqual(want.map((w) => w.j));
      expect([...lists.sims.subarray(i * k, (i + 1) * k)]).toEqual(want.map((w) => w.s));
    }
    // Row 3's twin is row 153 (cosine 1, first); row 153's is row 3.
    expect(lists.ids[3 * k]).toBe(153);
    expect(lists.ids[153 * k]).toBe(3);
  });

  it('exact lists stay exact across the native search\'s query blocks (1,100 rows)', () => {
    const dim = 16;
    const rows = clustered(1100, dim, 11, 1.5, 9);
    const lists = nearestNeighbours(rows, dim, 5, { method: 'exact' });
    for (let i = 0; i < 1100; i += 7) {
      expect([...lists.ids.subarray(i * 5, (i + 1) * 5)]).toEqual(sortedOthers(rows, dim, i).slice(0, 5).map((w) => w.j));
    }
  });

  it('pads a library smaller than k with −1 and lists every other row', () => {
    const rows = clustered(4, 8, 2, 0.5, 5);
    const lists = nearestNeighbours(rows, 8, 6);
    for (let i = 0; i < 4; i++) {
      const row = [...lists.ids.subarray(i * 6, (i + 1) * 6)];
      expect(row.slice(0, 3).sort()).toEqual([0, 1, 2, 3].filter((j) => j !== i));
      expect(row.slice(3)).toEqual([-1, -1, -1]);
    }
  });

  it('HNSW lists find at least 90 % of the exact neighbours on a clustered library', () => {
    const rows = clustered(1500, 48, 30, 1.5, 11);
    const exact = nearestNeighbours(rows, 48, 5, { method: 'exact' });
    const approx = nearestNeighbours(rows, 48, 5, { method: 'hnsw' });
    expect(approx.method).toBe('hnsw');
    expect(neighbourRecall(exact, exact)).toBe(1);
    expect(neighbourRecall(approx, exact)).toBeGreaterThan(0.9);
  });
});

describe('DBA from neighbour lists', () => {
  it('equals DBA written from its definition on the dense cosine matrix', () => {
    const dim = 32;
    const rows = clustered(300, dim, 10, 1.3, 7);
    const out = augmentByNeighbours(rows, dim, { k: 5, alpha: 3 });
    for (let i = 0; i < 300; i++) {
      const acc = Array.from(rows.subarray(i * dim, (i + 1) * dim), Number);
      for (const { j, s } of sortedOthers(rows, dim, i).slice(0, 5)) {
        const w = Math.max(s, 0) ** 3;
        for (let d = 0; d < dim; d++) acc[d] += w * rows[j * dim + d];
      }
      const norm = Math.hypot(...acc);
      for (let d = 0; d < dim; d++) expect(out[i * dim + d]).toBeCloseTo(acc[d] / norm, 6);
    }
  });
});

describe('diffusion by graph component', () => {
  it('has the dot products of F = (I − αS)⁻¹ inverted densely, on a graph of several components', () => {
    const dim = 16;
    // Tight clusters (in the first 8 dims) fall apart into components; the loose ones (in the
    // other 8, orthogonal to them) join into a larger one.
    const tight = clustered(60, 8, 6, 0.3, 21);
    const loose = clustered(60, 8, 3, 2.5, 22);
    const rows = new Float32Array(120 * dim);
    for (let i = 0; i < 60; i++) {
      rows.set(tight.subarray(i * 8, (i + 1) * 8), i * dim);
      rows.set(loose.subarray(i * 8, (i + 1) * 8), (60 + i) * dim + 8);
    }
    const options = { k: 5, alpha: 0.9, power: 6 };
    const sizes = componentOrders(graphEdges(rows, dim, options)).map((c) => c.length);
    expect(sizes.length).toBeGreaterThan(2);
    expect(Math.max(...sizes)).toBeGreaterThan(20);
    const n = 120;
    const w = neighbourGraph(rows, dim, options);
    const deg = Array.from({ length: n }, (_, i) => w.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0));
    const scale = deg.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
    // Gauss–Jordan with partial pivoting on [I − αS | I]: the inverse, independent of Cholesky and of the order.
    const a = Array.from({ length: n }, (_, i) => [
      ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - options.alpha * scale[i] * w[i * n + j] * scale[j]),
      ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
    ]);
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
      [a[c], a[p]] = [a[p], a[c]];
      const piv = a[c][c];
      for (let x = 0; x < 2 * n; x++) a[c][x] /= piv;
      for (let r = 0; r < n; r++) {
        if (r === c || a[r][c] === 0) continue;
        const f = a[r][c];
        for (let x = 0; x < 2 * n; x++) a[r][x] -= f * a[c][x];
      }
    }
    const f = (i: number, j: number): number => a[i][n + j];
    const { data } = diffusionEmbedding(rows, dim, options);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let d = 0; d < n; d++) dot += data[i * n + d] * data[j * n + d];
        expect(Math.abs(dot - f(i, j) / Math.sqrt(f(i, i) * f(j, j)))).toBeLessThan(1e-6);
      }
    }
  });
});
