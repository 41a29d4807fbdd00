import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { keepWhere, maskedLogSumExp, rowsWithBoth } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO['generalized-lifted-structure'].defaults;

export interface LiftedStructureOptions extends PairLossOptions {
  /** Default 0 for distances, 1 for similarities. */
  posMargin?: number;
  /** Default 1 for distances, 0 for similarities. */
  negMargin?: number;
}

/**
 * Generalised lifted structure loss (Hermans, Beyer & Leibe 2017, generalising Song et al. 2016):
 * per anchor, [log Σ_pos exp(d_ap − m_pos) + log Σ_neg exp(m_neg − d_an)]₊ (0 without a positive or a negative).
 */
export class GeneralizedLiftedStructureLoss extends PairLoss {
  readonly name = 'generalized-lifted-structure' as const;
  readonly posMargin: number;
  readonly negMargin: number;

  constructor(options: LiftedStructureOptions = {}) {
    super(options, DEFAULTS);
    this.posMargin = options.posMargin ?? this.byPolarity(DEFAULTS.posMargin, 1);
    this.negMargin = options.negMargin ?? this.byPolarity(DEFAULTS.negMargin, 0);
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const { pos, neg } = batch.masks();
    const posLse = maskedLogSumExp(this.distance.margin(batch.mat, this.posMargin) as tf.Tensor2D, pos, 1, false);
    const negLse = maskedLogSumExp(this.distance.margin(this.negMargin, batch.mat) as tf.Tensor2D, neg, 1, false);
    return [term('loss', keepWhere(rowsWithBoth(pos, neg), tf.relu(tf.add(posLse, negLse))), 'element')];
  }
}

export const liftedStructureDescriptor = defineLoss({
  ...LOSS_INFO['generalized-lifted-structure'],
  create: (options: LiftedStructureOptions) => new GeneralizedLiftedStructureLoss(options),
});
