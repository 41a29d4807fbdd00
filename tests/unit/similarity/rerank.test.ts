import { describe, expect, it } from 'vitest';
import { albumScores } from '../../../electron/engine/similarity/evaluate';
import { augmentByNeighbours } from '../../../electron/engine/similarity/rerank';
import { noisyClusters } from './toy-clusters';

describe('neighbour augmentation (DBA) on the library graph', () => {
  it('matches a hand computation on three 2-D rows', () => {
    // e1 = (1,0), v = (0.6,0.8), e2 = (0,1); k = 1, α = 1. By hand:
    // e1's nearest is v (cos 0.6): (1,0) + 0.6·(0.6,0.8) = (1.36, 0.48), norm √2.08.
    // v's nearest is e2 (0.8): (0.6,0.8) + 0.8·(0,1) = (0.6, 1.6), norm √2.92.
    // e2's nearest is v (0.8): (0,1) + 0.8·(0.6,0.8) = (0.48, 1.64), norm √2.92.
    const rows = Float32Array.from([1, 0, 0.6, 0.8, 0, 1]);
    const out = augmentByNeighbours(rows, 2, { k: 1, alpha: 1 });
    const want = [1.36 / Math.sqrt(2.08), 0.48 / Math.sqrt(2.08), 0.6 / Math.sqrt(2.92), 1.6 / Math.sqrt(2.92), 0.48 / Math.sqrt(2.92), 1.64 / Math.sqrt(2.92)];
    want.forEach((w, i) => expect(out[i]).toBeCloseTo(w, 5));
    // α = 2 weighs v's neighbour by 0.64: (0.6, 1.44) / 1.56 = (0.384615…, 0.923077…).
    const sq = augmentByNeighbours(rows, 2, { k: 1, alpha: 2 });
    expect(sq[2]).toBeCloseTo(0.6 / 1.56, 5);
    expect(sq[3]).toBeCloseTo(1.44 / 1.56, 5);
    // The input is left as it was.
    expect([...rows]).toEqual([1, 0, 0.6, 0.8, 0, 1].map((x) => Math.fround(x)));
  });

  it('a neighbour with a negative cosine weighs nothing; k = 0 changes nothing', () => {
    const rows = Float32Array.from([1, 0, -1, 0]);
    expect([...augmentByNeighbours(rows, 2, { k: 1, alpha: 3 })]).toEqual([1, 0, -1, 0]);
    const three = Float32Array.from([1, 0, 0.6, 0.8, 0, 1]);
    expect([...augmentByNeighbours(three, 2, { k: 0, alpha: 3 })]).toEqual([...three]);
  });

  it('pulls noisy clusters together: album retrieval on a toy library rises (labels from the generator)', () => {
    const { rows, dim, labels } = noisyClusters();
    const before = albumScores(rows, dim, labels, 'cosine');
    const after = albumScores(augmentByNeighbours(rows, dim, { k: 5, alpha: 3 }), dim, labels, 'cosine');
    expect(before.mapAtR).toBeLessThan(0.8);
    expect(after.mapAtR).toBeGreaterThan(before.mapAtR + 0.05);
  });

  it('refuses a bad k and rows that do not fit the dimension', () => {
    expect(() => augmentByNeighbours(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => augmentByNeighbours(new Float32Array(4), 2, { k: -1, alpha: 1 })).toThrow(RangeError);
  });
});
