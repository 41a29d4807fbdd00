/**
 * A loss's terms before reduction, worked out by hand for the contrastive loss (Euclidean,
 * positive margin 0, negative margin 1) on four unit vectors: class 0 = (1, 0) and (0.6, 0.8),
 * class 1 = (0, 1) and (−0.6, 0.8). Positive pairs (both orders) lie √0.8 = 0.894 and √0.4 = 0.632 apart;
 * of the negative pairs (√2, √3.2, √0.4, 1.2 apart) only (0.6, 0.8)–(0, 1) is inside the margin: 1 − √0.4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { createLoss } from '../../../electron/engine/metric/losses';

beforeAll(async () => {
  await useBackend('cpu');
});

describe('computeTerms', () => {
  it('returns each named term with its per-pair losses', () => {
    const loss = createLoss('contrastive');
    const emb = tf.tensor2d([[1, 0], [0.6, 0.8], [0, 1], [-0.6, 0.8]]);
    const terms = loss.computeTerms!(emb, [0, 0, 1, 1]);
    expect(terms.map((t) => [t.name, t.reductionType])).toEqual([['pos_loss', 'pos-pair'], ['neg_loss', 'neg-pair']]);
    const sorted = (t: tf.Tensor): number[] => Array.from(t.dataSync()).sort((a, b) => a - b);
    const pos = sorted(terms[0].losses);
    const neg = sorted(terms[1].losses);
    [Math.sqrt(0.4), Math.sqrt(0.4), Math.sqrt(0.8), Math.sqrt(0.8)].forEach((v, i) => expect(pos[i]).toBeCloseTo(v, 5));
    expect(neg).toHaveLength(8);
    neg.slice(0, 6).forEach((v) => expect(v).toBeCloseTo(0, 6));
    neg.slice(6).forEach((v) => expect(v).toBeCloseTo(1 - Math.sqrt(0.4), 5));
    for (const t of terms) t.losses.dispose();
    emb.dispose();
  });
});
