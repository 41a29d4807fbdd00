import { describe, expect, it } from 'vitest';
import { choleskyInPlace, diffusionEmbedding, inverseTransposeRows, neighbourGraph } from '../../../electron/engine/similarity/diffusion';
import { albumScores } from '../../../electron/engine/similarity/evaluate';
import { noisyClusters } from './toy-clusters';

/** Unit 2-D rows at these angles (degrees). */
const circle = (degrees: number[]): Float32Array => Float32Array.from(degrees.flatMap((a) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)]));

describe('Cholesky and the inverse-transpose rows', () => {
  it('factorises a hand-made 3 × 3 matrix: L = [[2,0,0],[1,2,0],[1,1,2]]', () => {
    // L·Lᵀ by hand: [[4,2,2],[2,5,3],[2,3,6]].
    const a = Float64Array.from([4, 2, 2, 2, 5, 3, 2, 3, 6]);
    choleskyInPlace(a, 3);
    expect([...a]).toEqual([2, 0, 0, 1, 2, 0, 1, 1, 2]);
  });

  it('E = L⁻ᵀ has E·Eᵀ = (L·Lᵀ)⁻¹: (E·Eᵀ)·A is the identity', () => {
    const a = [4, 2, 2, 2, 5, 3, 2, 3, 6];
    const l = Float64Array.from(a);
    choleskyInPlace(l, 3);
    const e = inverseTransposeRows(l, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let m = 0; m < 3; m++) {
          let f = 0; // (E·Eᵀ)_im
          for (let p = 0; p < 3; p++) f += e[i * 3 + p] * e[m * 3 + p];
          s += f * a[m * 3 + j];
        }
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe('neighbourGraph', () => {
  it('links mutual nearest neighbours and every track to its nearest, weight cos^power', () => {
    // Angles 0, 10, 30, 100. Nearest (k 1): 0→10, 10→0, 30→10, 100→30. Mutual: 0–10 only;
    // nearest-neighbour edges add 30–10 and 100–30. Nothing links 0–30, 0–100 or 10–100.
    const w = neighbourGraph(circle([0, 10, 30, 100]), 2, { k: 1, power: 2 });
    const cos2 = (deg: number): number => Math.cos((deg * Math.PI) / 180) ** 2;
    const expected = [
      [0, cos2(10), 0, 0],
      [cos2(10), 0, cos2(20), 0],
      [0, cos2(20), 0, cos2(70)],
      [0, 0, cos2(70), 0],
    ];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(w[i * 4 + j]).toBeCloseTo(expected[i][j], 6);
  });

  it('with k 2 keeps only the mutual pairs (plus nearest): 0–30 is mutual, 10–100 is not', () => {
    // k 2 lists: 0→{10,30}, 10→{0,30}, 30→{10,0}, 100→{30,10}. Mutual: 0–10, 0–30, 10–30.
    // 100 is in no list but its own; its nearest edge 100–30 joins.
    const w = neighbourGraph(circle([0, 10, 30, 100]), 2, { k: 2, power: 1 });
    const linked = (i: number, j: number): boolean => w[i * 4 + j] > 0;
    expect([linked(0, 1), linked(0, 2), linked(1, 2), linked(3, 2), linked(3, 1), linked(3, 0)]).toEqual([true, true, true, true, false, false]);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(w[i * 4 + j]).toBe(w[j * 4 + i]);
  });
});

describe('diffusionEmbedding', () => {
  it('gives unit rows whose dot products are F_ij/√(F_ii F_jj), F = Σ αᵗSᵗ summed independently', () => {
    const rows = circle([0, 10, 30, 100, 115, 200]);
    const n = 6;
    const options = { k: 2, alpha: 0.8, power: 3 };
    const { data, dim } = diffusionEmbedding(rows, 2, options);
    expect(dim).toBe(n);
    // S from the graph, F by the Neumann series (0.8^300 ≈ 1e-29: converged).
    const w = neighbourGraph(rows, 2, options);
    const deg = Array.from({ length: n }, (_, i) => w.slice(i * n, (i + 1) * n).reduce((a, b) => a + b, 0));
    const s = Array.from({ length: n * n }, (_, x) => w[x] / Math.sqrt(deg[Math.floor(x / n)] * deg[x % n]));
    let term: number[] = Array.from({ length: n * n }, (_, x) => (x % (n + 1) === 0 ? 1 : 0));
    const f = term.slice();
    for (let t = 1; t < 300; t++) {
      term = term.map((_, x) => {
        const i = Math.floor(x / n), j = x % n;
        let v = 0;
        for (let p = 0; p < n; p++) v += term[i * n + p] * s[p * n + j];
        return options.alpha * v;
      });
      term.forEach((v, x) => (f[x] += v));
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let d = 0; d < n; d++) dot += data[i * n + d] * data[j * n + d];
        expect(dot).toBeCloseTo(f[i * n + j] / Math.sqrt(f[i * n + i] * f[j * n + j]), 5);
      }
    }
  });

  it('on two chains of points, ranks every track of its own chain first where cosine does not', () => {
    // Two chains of 6 points 8° apart, the second starting 20° after the first ends: each
    // point's 2 nearest neighbours are in its own chain, so the graph is the two chains; by
    // cosine alone the end of one chain has the start of the other among its 5 nearest.
    const a = [0, 8, 16, 24, 32, 40];
    const b = [60, 68, 76, 84, 92, 100];
    const rows = circle([...a, ...b]);
    const labels = Int32Array.from([...a.map(() => 0), ...b.map(() => 1)]);
    const cosine = albumScores(rows, 2, labels, 'cosine');
    const { data, dim } = diffusionEmbedding(rows, 2, { k: 2, alpha: 0.9, power: 1 });
    const diffused = albumScores(data, dim, labels, 'cosine');
    expect(cosine.mapAtR).toBeLessThan(0.9);
    expect(diffused.mapAtR).toBe(1);
    expect(diffused.precisionAt1).toBe(1);
  });

  it('lifts album retrieval on a toy library of noisy clusters (labels from the generator)', () => {
    const { rows, dim, labels } = noisyClusters();
    const before = albumScores(rows, dim, labels, 'cosine');
    const after = diffusionEmbedding(rows, dim);
    expect(before.mapAtR).toBeLessThan(0.8);
    expect(albumScores(after.data, after.dim, labels, 'cosine').mapAtR).toBeGreaterThan(before.mapAtR + 0.05);
  });

  it('refuses α outside (0, 1) and rows that do not fit the dimension', () => {
    expect(() => diffusionEmbedding(circle([0, 10]), 2, { k: 1, alpha: 1, power: 1 })).toThrow(RangeError);
    expect(() => diffusionEmbedding(new Float32Array(5), 2)).toThrow(RangeError);
  });
});
