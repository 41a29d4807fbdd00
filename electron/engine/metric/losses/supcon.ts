import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { maskedLogSumExp } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO.supcon.defaults;

export interface SupConOptions extends PairLossOptions {
  /** Default 0.1. */
  temperature?: number;
}

/**
 * Supervised contrastive loss (Khosla et al. 2020), L_out form: per anchor i,
 * −1/|P(i)| Σ_{p∈P(i)} log( e^{s_ip/τ} / Σ_{a∈P(i)∪N(i)} e^{s_ia/τ} ).
 */
export class SupConLoss extends PairLoss {
  readonly name = 'supcon' as const;
  readonly temperature: number;

  constructor(options: SupConOptions = {}) {
    super(options, DEFAULTS);
    this.temperature = options.temperature ?? DEFAULTS.temperature;
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const { pos, neg } = batch.masks();
    const logits = tf.div(batch.mat, this.distance.isSimilarity ? this.temperature : -this.temperature) as tf.Tensor2D;
    const denominator = maskedLogSumExp(logits, tf.add(pos, neg), 1, false);
    const logProb = tf.sub(logits, tf.reshape(denominator, [-1, 1]));
    const meanLogProbPos = tf.div(tf.sum(tf.mul(pos, logProb), 1), tf.maximum(tf.sum(pos, 1), 1));
    return [term('loss', tf.neg(meanLogProbPos), 'element')];
  }
}

export const supConDescriptor = defineLoss({
  ...LOSS_INFO.supcon,
  create: (options: SupConOptions) => new SupConLoss(options),
});
