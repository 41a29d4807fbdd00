import { describe, expect, it } from 'vitest';
import { applyAlbumMetric, learnAlbumMetric, type AlbumMetric } from '../../../electron/engine/similarity/album-metric';
import { symmetricEigen } from '../../../electron/engine/similarity/eigen';
import { albumScores } from '../../../electron/engine/similarity/evaluate';
import { createRng, gaussian, type Rng } from '../../../electron/engine/util/prng';

const matmul = (a: Float64Array, b: Float64Array, n: number): Float64Array => {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
};

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('A·v = λ·v with orthonormal v on a random symmetric 9 × 9 matrix', () => {
    const rng = createRng(3);
    const n = 9;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = gaussian(rng);
    const { values, vectors } = symmetricEigen(a, n);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[k * n + r];
        expect(av).toBeCloseTo(values[r] * vectors[i * n + r], 10);
      }
      for (let q = 0; q < n; q++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + r] * vectors[i * n + q];
        expect(dot).toBeCloseTo(r === q ? 1 : 0, 10);
      }
    }
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
  });

  it('finds eigenvalues planted by a rotation, repeated ones included', () => {
    // Q = a Householder reflection I − 2uuᵀ/‖u‖²; A = Q·diag(λ)·Qᵀ has exactly the eigenvalues λ.
    const n = 5;
    const lambda = [4, 1, 1, -2, 0];
    const u = [1, 2, -1, 0.5, 3];
    const uu = u.reduce((s, x) => s + x * x, 0);
    const q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j] = (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
    const d = new Float64Array(n * n);
    lambda.forEach((l, i) => (d[i * n + i] = l));
    const a = matmul(matmul(q, d, n), q, n);
    const values = [...symmetricEigen(a, n).values].sort((x, y) => x - y);
    [...lambda].sort((x, y) => x - y).forEach((l, i) => expect(values[i]).toBeCloseTo(l, 10));
  });
});

/** The metric's transform as a dense dim × dim matrix: base·I + Σ gain·v·vᵀ (what applyAlbumMetric applies). */
function dense(m: AlbumMetric): Float64Array {
  const t = new Float64Array(m.dim * m.dim);
  for (let i = 0; i < m.dim; i++) t[i * m.dim + i] = m.base;
  for (let k = 0; k < m.gains.length; k++)
    for (let i = 0; i < m.dim; i++) for (let j = 0; j < m.dim; j++) t[i * m.dim + j] += m.gains[k] * m.directions[k * m.dim + i] * m.directions[k * m.dim + j];
  return t;
}

/** C' = (1 − s)·C_w + s·μ·I written from its definition: the pooled covariance around each album's mean. */
function shrunkWithin(rows: Float32Array, dim: number, labels: Int32Array, s: number): Float64Array {
  const n = labels.length;
  const c = new Float64Array(dim * dim);
  for (const album of new Set(labels)) {
    const members = [...labels.keys()].filter((i) => labels[i] === album);
    const mean = Array.from({ length: dim }, (_, d) => members.reduce((acc, i) => acc + rows[i * dim + d], 0) / members.length);
    for (const i of members)
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) c[a * dim + b] += ((rows[i * dim + a] - mean[a]) * (rows[i * dim + b] - mean[b])) / n;
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += c[a * dim + a];
  for (let a = 0; a < dim * dim; a++) c[a] *= 1 - s;
  for (let a = 0; a < dim; a++) c[a * dim + a] += (s * trace) / dim;
  return c;
}

function randomRows(rng: Rng, n: number, dim: number): Float32Array {
  return Float32Array.from({ length: n * dim }, () => gaussian(rng));
}

describe('album metric (within-album covariance normalisation)', () => {
  // More dimensions than tracks (C_w rank-deficient: the Gram route) and fewer.
  for (const [n, dim, albums] of [
    [7, 10, 3],
    [24, 5, 4],
  ] as const) {
    it(`is C'^−p of the shrunk within-album covariance (${n} tracks, ${dim} dims): T²·C' = I at p ½, T⁴·C' = I at p ¼`, () => {
      const rng = createRng(n * 31 + dim);
      const rows = randomRows(rng, n, dim);
      const labels = Int32Array.from({ length: n }, (_, i) => i % albums);
      for (const [power, times] of [
        [0.5, 2],
        [0.25, 4],
      ] as const) {
        const s = 0.3;
        const t = dense(learnAlbumMetric(rows, dim, labels, { power, shrink: s }));
        let prod = shrunkWithin(rows, dim, labels, s);
        for (let k = 0; k < times; k++) prod = matmul(t, prod, dim);
        for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) expect(prod[a * dim + b]).toBeCloseTo(a === b ? 1 : 0, 8);
      }
    });
  }

  it('applies T to each row and makes it unit again', () => {
    const rng = createRng(11);
    const dim = 6;
    const rows = randomRows(rng, 9, dim);
    const metric = learnAlbumMetric(rows, dim, Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]), { power: 0.25, shrink: 0.2 });
    const t = dense(metric);
    const probe = randomRows(rng, 4, dim);
    const out = applyAlbumMetric(metric, probe, dim);
    for (let i = 0; i < 4; i++) {
      const y = Array.from({ length: dim }, (_, a) => t.slice(a * dim, (a + 1) * dim).reduce((s, v, b) => s + v * probe[i * dim + b], 0));
      const norm = Math.hypot(...y);
      y.forEach((v, a) => expect(out.data[i * dim + a]).toBeCloseTo(v / norm, 6));
    }
  });

  it('learnt on some albums, it finds other albums better than cosine (labels from the generator)', () => {
    // Every album: its own centre in 4 "production" dimensions, small spread there; every track:
    // large spread of its own in 12 "melody" dimensions that no album shares. Cosine is swamped
    // by the melody; the metric learnt on 10 other albums must turn it down.
    const rng = createRng(2026);
    const dim = 16;
    const library = (albums: number, per: number): { rows: Float32Array; labels: Int32Array } => {
      const rows = new Float32Array(albums * per * dim);
      const labels = new Int32Array(albums * per);
      for (let a = 0; a < albums; a++) {
        const centre = Array.from({ length: 4 }, () => gaussian(rng));
        for (let p = 0; p < per; p++) {
          const i = a * per + p;
          labels[i] = a;
          for (let d = 0; d < 4; d++) rows[i * dim + d] = centre[d] + 0.3 * gaussian(rng);
          for (let d = 4; d < dim; d++) rows[i * dim + d] = 1.5 * gaussian(rng);
        }
      }
      return { rows, labels };
    };
    const train = library(10, 8);
    const test = library(6, 8);
    const metric = learnAlbumMetric(train.rows, dim, train.labels, { power: 0.5, shrink: 0.1 });
    const before = albumScores(test.rows, dim, test.labels, 'cosine');
    const learnt = applyAlbumMetric(metric, test.rows, dim);
    const after = albumScores(learnt.data, learnt.dim, test.labels, 'cosine');
    // The oracle knows which dimensions carry the album: cosine on the 4 production dimensions alone.
    const oracleRows = Float32Array.from({ length: test.labels.length * 4 }, (_, k) => test.rows[Math.floor(k / 4) * dim + (k % 4)]);
    const oracle = albumScores(oracleRows, 4, test.labels, 'cosine');
    expect(after.mapAtR).toBeGreaterThan(before.mapAtR + 0.2);
    expect(after.precisionAt1).toBeGreaterThan(before.precisionAt1 + 0.15);
    // …and it closes more than half the gap to the oracle (measured: 0.191 → 0.477, oracle 0.630).
    expect(oracle.mapAtR - after.mapAtR).toBeLessThan(0.5 * (oracle.mapAtR - before.mapAtR));
  });

  it('refuses a shrinkage outside (0, 1], one album only, and rows of another dimension', () => {
    const rows = randomRows(createRng(1), 6, 3);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1]);
    expect(() => learnAlbumMetric(rows, 3, labels, { power: 0.5, shrink: 0 })).toThrow(/shrink/);
    expect(() => learnAlbumMetric(rows, 3, new Int32Array(6), { power: 0.5, shrink: 0.5 })).toThrow(/two albums/);
    const metric = learnAlbumMetric(rows, 3, labels, { power: 0.5, shrink: 0.5 });
    expect(() => applyAlbumMetric(metric, new Float32Array(8), 4)).toThrow(/3-d/);
  });
});
