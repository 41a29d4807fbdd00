import { describe, expect, it } from 'vitest';
import { detectCuts } from '../../../electron/engine/features/cuts';

describe('detectCuts', () => {
  it('finds isolated jumps', () => {
    const d = new Array<number>(40).fill(0.02);
    d[0] = 0;
    d[10] = 0.9;
    d[25] = 0.5;
    expect(detectCuts(d, 0.35, 3)).toEqual([10, 25]);
  });

  it('ignores a sustained high distance (fast pan) and values under the threshold', () => {
    const pan = new Array<number>(40).fill(0.5);
    expect(detectCuts(pan, 0.35, 3)).toEqual([]);
    const low = new Array<number>(40).fill(0.01);
    low[20] = 0.3;
    expect(detectCuts(low, 0.35, 3)).toEqual([]);
  });

  it('keeps the stronger of two adjacent cuts (a flash frame)', () => {
    const d = new Array<number>(30).fill(0.01);
    d[12] = 0.6;
    d[13] = 0.8;
    expect(detectCuts(d, 0.35, 1.2)).toEqual([13]);
  });
});
