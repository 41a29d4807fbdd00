import { describe, expect, it } from 'vitest';
import { insidePolygon, orderAlongAxis, pca2, pointColour, scaleHue, scaleValue, toPixel } from '../../../renderer/lib/map';

describe('the Explore map', () => {
  it('PCA finds the direction the points spread along', () => {
    // Points on the line y = 2x with a little orthogonal noise: PC1 scores order them along x.
    const rows = [-2, -1, 0, 1, 2].map((t, i) => [t, 2 * t + (i % 2 ? 0.01 : -0.01)]);
    const pcs = pca2(rows).map((p) => p[0]);
    const sign = Math.sign(pcs[4] - pcs[0]);
    for (let i = 1; i < 5; i++) expect(sign * (pcs[i] - pcs[i - 1])).toBeGreaterThan(0);
    expect(Math.abs(pcs[4] - pcs[0])).toBeCloseTo(4 * Math.sqrt(5), 1);
  });

  it('draws [0, 1]² in the largest centred square inside the padding, y up', () => {
    const size = { w: 600, h: 400 };
    expect(toPixel({ x: 0, y: 0 }, size, 10)).toEqual([110, 390]);
    expect(toPixel({ x: 1, y: 1 }, size, 10)).toEqual([490, 10]);
    expect(toPixel({ x: 0.5, y: 0.5 }, size, 10)).toEqual([300, 200]);
  });

  it('colours by the value asked for: energy, valence or BPM on one blue → orange scale', () => {
    const p = { energy: 0.1, valence: 0.9, bpm: 180 };
    expect(scaleValue(p, 'energy')).toBe(0.1);
    expect(scaleValue(p, 'valence')).toBe(0.9);
    expect(scaleValue(p, 'bpm')).toBe(1);
    expect(scaleValue({ ...p, bpm: null }, 'bpm')).toBe(0.5);
    expect(scaleHue(0)).toBe(220);
    expect(scaleHue(1)).toBe(20);
    expect(pointColour(p, 'C major', 'energy')).not.toBe(pointColour(p, 'C major', 'valence'));
    expect(pointColour(p, 'C major', 'valence')).toBe(`hsl(${scaleHue(0.9)} 80% ${52 + 0.9 * 10}%)`);
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
