import { describe, expect, it } from 'vitest';
import { analyseKey } from '../../../electron/engine/features/key';

const estimateKey = (chroma: ArrayLike<number>) => analyseKey(chroma).key;

// Pitch-class weights of a scale with a stressed tonic triad.
function scale(tonic: number, steps: number[], triad: number[]): number[] {
  const c = new Array<number>(12).fill(0);
  for (const s of steps) c[(tonic + s) % 12] += 1;
  for (const s of triad) c[(tonic + s) % 12] += 2;
  return c;
}

describe('analyseKey: the key', () => {
  it('names major keys', () => {
    expect(estimateKey(scale(0, [0, 2, 4, 5, 7, 9, 11], [0, 4, 7]))).toMatchObject({ tonic: 'C', mode: 'major' });
    expect(estimateKey(scale(7, [0, 2, 4, 5, 7, 9, 11], [0, 4, 7]))).toMatchObject({ tonic: 'G', mode: 'major' });
  });

  it('names minor keys', () => {
    expect(estimateKey(scale(9, [0, 2, 3, 5, 7, 8, 10], [0, 3, 7]))).toMatchObject({ tonic: 'A', mode: 'minor' });
    expect(estimateKey(scale(6, [0, 2, 3, 5, 7, 8, 11], [0, 3, 7]))).toMatchObject({ tonic: 'F#', mode: 'minor' });
  });

  it('gives no key for a flat chroma', () => {
    expect(estimateKey(new Array<number>(12).fill(0))).toBeNull();
    expect(estimateKey(new Array<number>(12).fill(3))).toBeNull();
  });
});
