import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { keepWhere, maskedLogSumExp, rowsWithBoth } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO['multi-similarity'].defaults;

export interface MultiSimilarityOptions extends PairLossOptions {
  /** Positive scale, default 2. */
  alpha?: number;
  /** Negative scale, default 50. */
  beta?: number;
  /** Similarity offset λ, default 0.5. */
  base?: number;
}

/**
 * Multi-similarity loss (Wang et al. 2019): per anchor,
 * 1/α log(1 + Σ_pos e^{−α(S−λ)}) + 1/β log(1 + Σ_neg e^{β(S−λ)}); anchors without a positive or a
 * negative are skipped, as in the authors' code.
 */
export class MultiSimilarityLoss extends PairLoss {
  readonly name = 'multi-similarity' as const;
  readonly alpha: number;
  readonly beta: number;
  readonly base: number;

  constructor(options: MultiSimilarityOptions = {}) {
    super(options, DEFAULTS);
    this.alpha = options.alpha ?? DEFAULTS.alpha;
    this.beta = options.beta ?? DEFAULTS.beta;
    this.base = options.base ?? DEFAULTS.base;
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const { pos, neg } = batch.masks();
    const posExp = tf.mul(this.distance.margin(batch.mat, this.base), this.alpha) as tf.Tensor2D;
    const negExp = tf.mul(this.distance.margin(this.base, batch.mat), this.beta) as tf.Tensor2D;
    const posLoss = tf.div(maskedLogSumExp(posExp, pos, 1, true), this.alpha);
    const negLoss = tf.div(maskedLogSumExp(negExp, neg, 1, true), this.beta);
    return [term('loss', keepWhere(rowsWithBoth(pos, neg), tf.add(posLoss, negLoss)), 'element')];
  }
}

export const multiSimilarityDescriptor = defineLoss({
  ...LOSS_INFO['multi-similarity'],
  create: (options: MultiSimilarityOptions) => new MultiSimilarityLoss(options),
});
