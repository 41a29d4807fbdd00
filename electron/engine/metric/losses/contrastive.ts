import * as tf from '@tensorflow/tfjs';
import { resolveDistance, type Distance, type DistanceSpec } from '../distances';
import { term, type LossTerm, type ReducerName } from '../reducers';
import type { Labels } from '../tuples';
import { gatherPairs } from '../tf-ops';
import { BaseLoss, preparePairs, type CommonLossOptions, type LossInput } from './base';

export interface ContrastiveOptions extends CommonLossOptions {
  distance?: DistanceSpec;
  /** Positives closer than this cost nothing. Default 0 for distances, 1 for similarities. */
  posMargin?: number;
  /** Negatives farther than this cost nothing. Default 1 for distances, 0 for similarities. */
  negMargin?: number;
}

/** Contrastive loss (Hadsell, Chopra & LeCun 2006), with a positive margin as in pytorch-metric-learning. */
export class ContrastiveLoss extends BaseLoss {
  readonly name = 'contrastive' as const;
  readonly distance: Distance;
  readonly reducer: ReducerName;
  readonly posMargin: number;
  readonly negMargin: number;

  constructor(options: ContrastiveOptions = {}) {
    super();
    this.distance = resolveDistance(options.distance, 'euclidean');
    this.reducer = options.reducer ?? 'mean-nonzero';
    this.posMargin = options.posMargin ?? (this.distance.isSimilarity ? 1 : 0);
    this.negMargin = options.negMargin ?? (this.distance.isSimilarity ? 0 : 1);
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    const batch = preparePairs(this.distance, emb, labels, input);
    const pairs = batch.pairs();
    const pos = gatherPairs(batch.mat, pairs.a1, pairs.p);
    const neg = gatherPairs(batch.mat, pairs.a2, pairs.n);
    return [
      term('pos_loss', tf.relu(this.distance.margin(pos, this.posMargin)), 'pos-pair'),
      term('neg_loss', tf.relu(this.distance.margin(this.negMargin, neg)), 'neg-pair'),
    ];
  }
}
