import * as tf from '@tensorflow/tfjs';
import { resolveDistance, type Distance, type DistanceSpec } from '../distances';
import { term, type LossTerm, type ReducerName } from '../reducers';
import type { Labels } from '../tuples';
import { keepWhere, maskedLogSumExp, rowsWithBoth } from '../tf-ops';
import { BaseLoss, preparePairs, type CommonLossOptions, type LossInput } from './base';

export interface LiftedStructureOptions extends CommonLossOptions {
  distance?: DistanceSpec;
  /** Default 0 for distances, 1 for similarities. */
  posMargin?: number;
  /** Default 1 for distances, 0 for similarities. */
  negMargin?: number;
}

/**
 * Generalised lifted structure loss (Hermans, Beyer & Leibe 2017, generalising Song et al. 2016):
 * per anchor, [log Σ_pos exp(d_ap − m_pos) + log Σ_neg exp(m_neg − d_an)]₊ (0 without a positive or a negative).
 */
export class GeneralizedLiftedStructureLoss extends BaseLoss {
  readonly name = 'generalized-lifted-structure' as const;
  readonly distance: Distance;
  readonly reducer: ReducerName;
  readonly posMargin: number;
  readonly negMargin: number;

  constructor(options: LiftedStructureOptions = {}) {
    super();
    this.distance = resolveDistance(options.distance, 'euclidean');
    this.reducer = options.reducer ?? 'mean';
    this.posMargin = options.posMargin ?? (this.distance.isSimilarity ? 1 : 0);
    this.negMargin = options.negMargin ?? (this.distance.isSimilarity ? 0 : 1);
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    const batch = preparePairs(this.distance, emb, labels, input);
    const { pos, neg } = batch.masks();
    const posLse = maskedLogSumExp(this.distance.margin(batch.mat, this.posMargin) as tf.Tensor2D, pos, 1, false);
    const negLse = maskedLogSumExp(this.distance.margin(this.negMargin, batch.mat) as tf.Tensor2D, neg, 1, false);
    return [term('loss', keepWhere(rowsWithBoth(pos, neg), tf.relu(tf.add(posLse, negLse))), 'element')];
  }
}
