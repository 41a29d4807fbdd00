import { describe, expect, it } from 'vitest';
import { evenSample, fitUnit, insidePolygon, keyAngle, orderAlongAxis, pca2, placeBySample, standardise } from '../../../renderer/lib/map';

describe('the Explore map', () => {
  it('places keys on the circle of fifths with minor keys on their relative major', () => {
    expect(keyAngle('C major')!.angle).toBe(0);
    expect(keyAngle('G major')!.angle).toBeCloseTo(Math.PI / 6, 12); // one fifth up: 1/12 of the circle
    expect(keyAngle('A minor')).toEqual({ angle: 0, minor: true }); // relative minor of C
    expect(keyAngle('F# minor')!.angle).toBeCloseTo(keyAngle('A major')!.angle, 12);
    expect(keyAngle('?')).toBeNull();
  });

  it('standardises columns and fills unknown values with the mean (0 after centring)', () => {
    const z = standardise([[100, 1], [140, null], [120, 1]]);
    expect(z.map((r) => r[0])).toEqual([-Math.sqrt(1.5), Math.sqrt(1.5), 0]);
    expect(z.map((r) => r[1])).toEqual([0, 0, 0]); // constant column
  });

  it('PCA finds the direction the points spread along', () => {
    // Points on the line y = 2x with a little orthogonal noise: PC1 scores order them along x.
    const rows = [-2, -1, 0, 1, 2].map((t, i) => [t, 2 * t + (i % 2 ? 0.01 : -0.01)]);
    const pcs = pca2(rows).map((p) => p[0]);
    const sign = Math.sign(pcs[4] - pcs[0]);
    for (let i = 1; i < 5; i++) expect(sign * (pcs[i] - pcs[i - 1])).toBeGreaterThan(0);
    expect(Math.abs(pcs[4] - pcs[0])).toBeCloseTo(4 * Math.sqrt(5), 1);
  });

  it('fits points into the unit square keeping the aspect ratio', () => {
    expect(fitUnit([[0, 0], [4, 2]])).toEqual([[0, 0.25], [1, 0.75]]);
  });

  it('lassoes the points inside a polygon', () => {
    const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    expect(insidePolygon(5, 5, square)).toBe(true);
    expect(insidePolygon(11, 5, square)).toBe(false);
    const ell: [number, number][] = [[0, 0], [10, 0], [10, 4], [4, 4], [4, 10], [0, 10]];
    expect(insidePolygon(7, 7, ell)).toBe(false);
    expect(insidePolygon(2, 7, ell)).toBe(true);
  });

  it('orders a lassoed group along its main axis', () => {
    const order = orderAlongAxis([[3, 3.1], [0, 0], [1, 1.05], [2, 1.9]]);
    expect(order[0] === 1 ? order : [...order].reverse()).toEqual([1, 2, 3, 0]);
  });
});

describe('large maps: UMAP on a sample, the rest beside their nearest sampled track', () => {
  it('samples evenly and keeps small sets whole', () => {
    expect(evenSample(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(evenSample(10, 4)).toEqual([0, 2, 5, 7]);
  });

  it('puts each unsampled row at its nearest sampled row, sampled rows where they were laid out', () => {
    const rows = [[0, 0], [10, 10], [0.2, 0.1], [9.5, 10.2], [0.1, -0.1]];
    const placed = placeBySample(rows, [0, 1], [[0.1, 0.1], [0.9, 0.9]], 0.01, () => 0);
    expect(placed).toEqual([[0.1, 0.1], [0.9, 0.9], [0.1, 0.1], [0.9, 0.9], [0.1, 0.1]]);
  });
});
