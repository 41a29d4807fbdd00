import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { maskedLogSumExp } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { defineLoss, PAIR_CAPABILITIES } from './descriptor';

const DEFAULTS = { distance: 'cosine', reducer: 'mean-nonzero', temperature: 0.1 } as const;

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
  name: 'supcon',
  family: 'pair',
  summary: 'Khosla et al. 2020: InfoNCE with every same-class embedding as a positive (L_out)',
  capabilities: PAIR_CAPABILITIES,
  defaults: DEFAULTS,
  create: (options: SupConOptions) => new SupConLoss(options),
});
