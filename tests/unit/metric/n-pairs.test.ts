/** N-pair loss on inputs whose value is known by hand, from Sohn 2016's formula. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { NPairsLoss } from '../../../electron/engine/metric/losses';
import { pairTuple } from '../../../electron/engine/metric/tuples';
import { t2 } from './fixtures';
import { npairs64, type Mat } from './reference';

beforeAll(async () => {
  await useBackend('cpu');
});

const value = (emb: Mat, labels: number[], ref?: { emb: Mat; labels: number[] }): number => {
  const loss = new NPairsLoss();
  return tf.tidy(() => loss.compute(t2(emb), labels, ref ? { refEmb: t2(ref.emb), refLabels: ref.labels } : {}).dataSync()[0]);
};

describe('n-pairs', () => {
  it('perfectly separated classes cost nothing (the issue-10 input gave ln 2)', () => {
    const emb = [
      [10, 0],
      [10, 0],
      [0, 10],
      [0, 10],
    ];
    // One pair per class: (0,1) and (2,3); anchor 0's only negative column is 3, at f·f⁻ = 0 vs f·f⁺ = 100.
    expect(value(emb, [0, 0, 1, 1])).toBeLessThan(1e-6);
    expect(npairs64({ emb, labels: [0, 0, 1, 1] })).toBeLessThan(1e-40);
  });

  it('gives log(1 + e^(f·f⁻ − f·f⁺)) per pair on unit vectors', () => {
    const emb = [
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
    ];
    // Each anchor: f·f⁺ = 1, one negative column with f·f⁻ = 0.
    expect(value(emb, [0, 0, 1, 1])).toBeCloseTo(Math.log1p(Math.exp(-1)), 6);
    // Three classes, anchor i against two negatives: log(1 + 2e^(−1)).
    const three = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
    ];
    expect(value(three, [0, 0, 1, 1, 2, 2])).toBeCloseTo(Math.log1p(2 * Math.exp(-1)), 6);
  });

  it('a class with more members still contributes one pair, and its other members are not negatives', () => {
    // Class 0 has three members; only the pair (0,1) is used, and column 2 (also class 0) is never a column.
    const emb = [
      [2, 0],
      [2, 0],
      [2, 0],
      [0, 2],
      [0, 2],
    ];
    expect(value(emb, [0, 0, 0, 1, 1])).toBeCloseTo(Math.log1p(Math.exp(-4)), 6);
  });

  it('cross-modal: video queries against music references, one pair per class', () => {
    const video = [
      [3, 0],
      [0, 3],
      [3, 0],
    ];
    const music = [
      [0, 1],
      [1, 0],
    ];
    // Pairs (0→1) class 0 and (1→0) class 1: f·f⁺ = 3, f·f⁻ = 0 for both.
    expect(value(video, [0, 1, 0], { emb: music, labels: [1, 0] })).toBeCloseTo(Math.log1p(Math.exp(-3)), 6);
  });

  it('needs labels with an indices tuple', () => {
    const loss = new NPairsLoss();
    const e = t2([
      [1, 0],
      [0, 1],
    ]);
    expect(() => loss.compute(e, null, { indicesTuple: pairTuple([0], [1], [], []) })).toThrow(/n-pairs needs labels/);
    e.dispose();
  });
});
