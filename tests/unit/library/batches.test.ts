import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../../electron/engine/library/indexer';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('batchesOf: the indexer’s batches of files', () => {
  it('keeps every item once, in order', () => {
    for (const n of [0, 1, 2, 3, 7, 8, 9, 12, 17, 64, 65, 1000]) {
      for (const lanes of [1, 2, 3, 8]) {
        for (const max of [1, 2, 8]) expect(batchesOf(range(n), lanes, max).flat(), `${n} ${lanes} ${max}`).toEqual(range(n));
      }
    }
  });

  it('gives each lane four batches where there are enough items, never more than max per batch, sizes within one', () => {
    // By hand: 12 files, 2 workers, at most 8 → eight batches (one of 8 and one of 4 would idle a
    // worker; two of 6 would commit each worker's share at once).
    expect(batchesOf(range(12), 2, 8).map((b) => b.length)).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
    expect(batchesOf(range(64), 2, 8).map((b) => b.length)).toEqual(Array(8).fill(8));
    expect(batchesOf(range(17), 2, 8).map((b) => b.length)).toEqual([3, 2, 2, 2, 2, 2, 2, 2]);
    expect(batchesOf(range(6), 1, 8).map((b) => b.length)).toEqual([2, 2, 1, 1]);
    expect(batchesOf(range(3), 2, 8).map((b) => b.length)).toEqual([1, 1, 1]);
    expect(batchesOf(range(1), 4, 8).map((b) => b.length)).toEqual([1]);
    expect(batchesOf(range(5), 1, 1).map((b) => b.length)).toEqual([1, 1, 1, 1, 1]);
    for (const n of [5, 9, 31, 100]) {
      const sizes = batchesOf(range(n), 2, 8).map((b) => b.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes.length).toBeGreaterThanOrEqual(4);
    }
  });
});
