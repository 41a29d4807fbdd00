import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { term, type LossTerm } from '../reducers';
import { gatherPairs, selectRows } from '../tf-ops';
import type { Labels, PairTuple } from '../tuples';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO['n-pairs'].defaults;

/** Default distance: dot product without normalisation (the paper's inner product). */
export type NPairsOptions = PairLossOptions;

/**
 * Multi-class N-pair loss (Sohn 2016): N anchor–positive pairs from N distinct classes; each anchor's
 * negatives are the other classes' positives, so no column of its own class ever counts against it.
 * Per pair i: log(1 + Σ_{j≠i} exp(f_i·f_j⁺ − f_i·f_i⁺)), a softmax cross-entropy over the
 * anchors × positives similarity matrix.
 */
export class NPairsLoss extends PairLoss {
  readonly name = 'n-pairs' as const;

  constructor(options: NPairsOptions = {}) {
    super(options, DEFAULTS);
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    // An indices tuple alone cannot say which anchors share a class, and the selection is by class.
    if (!batch.labels) throw usageError('n-pairs needs labels (it keeps one pair per class), also with an indices tuple');
    const { anchors, positives } = onePairPerClass(batch.pairs(), batch.labels);
    if (anchors.length === 0) return [term('loss', gatherPairs(batch.mat, new Int32Array(0), new Int32Array(0)), 'element')];
    const sub = tf.transpose(selectRows(tf.transpose(selectRows(batch.mat, anchors)), positives));
    const logits = this.distance.isSimilarity ? sub : tf.neg(sub);
    const target = tf.sum(tf.mul(logits, tf.eye(anchors.length)), 1);
    return [term('loss', tf.sub(tf.logSumExp(logits, 1), target), 'element')];
  }
}

/** The first positive pair of each class (the anchor's label), in the order the pairs are listed. */
function onePairPerClass(pairs: PairTuple, labels: Labels): { anchors: number[]; positives: number[] } {
  const anchors: number[] = [];
  const positives: number[] = [];
  const classes = new Set<number>();
  for (let i = 0; i < pairs.a1.length; i++) {
    const c = labels[pairs.a1[i]];
    if (classes.has(c)) continue;
    classes.add(c);
    anchors.push(pairs.a1[i]);
    positives.push(pairs.p[i]);
  }
  return { anchors, positives };
}

export const nPairsDescriptor = defineLoss({
  ...LOSS_INFO['n-pairs'],
  create: (options: NPairsOptions) => new NPairsLoss(options),
});
