import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { term, type LossTerm } from '../reducers';
import { keepWhere, maskedLogSumExp, rowsWithBoth, stopGradient } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO.circle.defaults;

export interface CircleOptions extends PairLossOptions {
  /** Relaxation m, default 0.4. */
  m?: number;
  /** Scale γ, default 80. */
  gamma?: number;
}

/**
 * Circle loss (Sun et al. 2020), pair-wise form: per anchor,
 * softplus(log Σ_neg e^{γ α_n (s_n − Δ_n)} + log Σ_pos e^{−γ α_p (s_p − Δ_p)}),
 * α_p = [1 + m − s_p]₊, α_n = [s_n + m]₊ (no gradient through α), Δ_p = 1 − m, Δ_n = m.
 */
export class CircleLoss extends PairLoss {
  readonly name = 'circle' as const;
  readonly m: number;
  readonly gamma: number;

  constructor(options: CircleOptions = {}) {
    super(options, DEFAULTS);
    if (!this.distance.isSimilarity) throw usageError('circle loss needs a similarity (cosine or dot)');
    this.m = options.m ?? DEFAULTS.m;
    this.gamma = options.gamma ?? DEFAULTS.gamma;
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const { pos, neg } = batch.masks();
    const s = batch.mat;
    const alphaP = stopGradient(tf.relu(tf.sub(1 + this.m, s)));
    const alphaN = stopGradient(tf.relu(tf.add(s, this.m)));
    const logitP = tf.mul(tf.mul(alphaP, tf.sub(s, 1 - this.m)), -this.gamma) as tf.Tensor2D;
    const logitN = tf.mul(tf.mul(alphaN, tf.sub(s, this.m)), this.gamma) as tf.Tensor2D;
    const loss = tf.softplus(tf.add(maskedLogSumExp(logitN, neg, 1, false), maskedLogSumExp(logitP, pos, 1, false)));
    return [term('loss', keepWhere(rowsWithBoth(pos, neg), loss), 'element')];
  }
}

export const circleDescriptor = defineLoss({
  ...LOSS_INFO.circle,
  create: (options: CircleOptions) => new CircleLoss(options),
});
