import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { gatherPairs, selectRows } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';

/** Default distance: dot product without normalisation (the paper's inner product). */
export type NPairsOptions = PairLossOptions;

/**
 * N-pair loss (Sohn 2016): each anchor keeps its first positive; the other anchors' positives are its
 * negatives; softmax cross-entropy over the anchors × positives similarity matrix.
 */
export class NPairsLoss extends PairLoss {
  readonly name = 'n-pairs' as const;

  constructor(options: NPairsOptions = {}) {
    super(options, { distance: 'dot', reducer: 'mean' });
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const pairs = batch.pairs();
    const anchors: number[] = [];
    const positives: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < pairs.a1.length; i++) {
      if (seen.has(pairs.a1[i])) continue;
      seen.add(pairs.a1[i]);
      anchors.push(pairs.a1[i]);
      positives.push(pairs.p[i]);
    }
    if (anchors.length === 0) return [term('loss', gatherPairs(batch.mat, new Int32Array(0), new Int32Array(0)), 'element')];
    const sub = tf.transpose(selectRows(tf.transpose(selectRows(batch.mat, anchors)), positives));
    const logits = this.distance.isSimilarity ? sub : tf.neg(sub);
    const target = tf.sum(tf.mul(logits, tf.eye(anchors.length)), 1);
    return [term('loss', tf.sub(tf.logSumExp(logits, 1), target), 'element')];
  }
}
