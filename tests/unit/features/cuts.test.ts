import { describe, expect, it } from 'vitest';
import { detectCuts } from '../../../electron/engine/features/cuts';
import { shotLengthFrames } from '../../../electron/engine/features/video';

const T = { cutThreshold: 0.35, cutLumaThreshold: 0.06, cutContrast: 3 };
const still = (n: number, v = 0.005): number[] => new Array<number>(n).fill(v);

describe('detectCuts', () => {
  it('finds isolated histogram jumps', () => {
    const d = still(40, 0.02);
    d[0] = 0;
    d[10] = 0.9;
    d[25] = 0.5;
    expect(detectCuts(d, still(40), T)).toEqual([10, 25]);
  });

  it('finds a cut between shots of one palette from the luma change alone', () => {
    const hist = still(40, 0.02);
    hist[18] = 0.05; // the colours barely move
    const luma = still(40, 0.01);
    luma[18] = 0.12;
    expect(detectCuts(hist, luma, T)).toEqual([18]);
    // The same luma jump amid fast motion (neighbours as high) is not a cut.
    expect(detectCuts(hist, still(40, 0.1).map((v, i) => (i === 18 ? 0.12 : v)), T)).toEqual([]);
  });

  it('ignores a sustained high distance (fast pan) and values under the thresholds', () => {
    expect(detectCuts(still(40, 0.5), still(40, 0.2), T)).toEqual([]);
    const low = still(40, 0.01);
    low[20] = 0.3;
    const lowLuma = still(40, 0.005);
    lowLuma[20] = 0.05;
    expect(detectCuts(low, lowLuma, T)).toEqual([]);
  });

  it('keeps the stronger of two adjacent cuts (a flash frame)', () => {
    const d = still(30, 0.01);
    d[12] = 0.6;
    d[13] = 0.8;
    expect(detectCuts(d, still(30), { ...T, cutContrast: 1.2 })).toEqual([13]);
  });
});

describe('shotLengthFrames', () => {
  it('is the span between the cuts around a frame; a cut frame starts its shot; the ends bound the rest', () => {
    const cuts = [10, 25];
    expect(shotLengthFrames(cuts, 40, 0)).toBe(10);
    expect(shotLengthFrames(cuts, 40, 9)).toBe(10);
    expect(shotLengthFrames(cuts, 40, 10)).toBe(15);
    expect(shotLengthFrames(cuts, 40, 24)).toBe(15);
    expect(shotLengthFrames(cuts, 40, 39)).toBe(15);
    expect(shotLengthFrames([], 40, 20)).toBe(40);
    expect(shotLengthFrames([], 0, 0)).toBe(1); // never log2(0)
  });
});
