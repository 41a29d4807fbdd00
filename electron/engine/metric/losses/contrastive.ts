import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { gatherPairs } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO.contrastive.defaults;

export interface ContrastiveOptions extends PairLossOptions {
  /** Positives closer than this cost nothing. Default 0 for distances, 1 for similarities. */
  posMargin?: number;
  /** Negatives farther than this cost nothing. Default 1 for distances, 0 for similarities. */
  negMargin?: number;
}

/** Contrastive loss (Hadsell, Chopra & LeCun 2006), with a positive margin as in pytorch-metric-learning. */
export class ContrastiveLoss extends PairLoss {
  readonly name = 'contrastive' as const;
  readonly posMargin: number;
  readonly negMargin: number;

  constructor(options: ContrastiveOptions = {}) {
    super(options, DEFAULTS);
    this.posMargin = options.posMargin ?? this.byPolarity(DEFAULTS.posMargin, 1);
    this.negMargin = options.negMargin ?? this.byPolarity(DEFAULTS.negMargin, 0);
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const pairs = batch.pairs();
    const pos = gatherPairs(batch.mat, pairs.a1, pairs.p);
    const neg = gatherPairs(batch.mat, pairs.a2, pairs.n);
    return [
      term('pos_loss', tf.relu(this.distance.margin(pos, this.posMargin)), 'pos-pair'),
      term('neg_loss', tf.relu(this.distance.margin(this.negMargin, neg)), 'neg-pair'),
    ];
  }
}

export const contrastiveDescriptor = defineLoss({
  ...LOSS_INFO.contrastive,
  create: (options: ContrastiveOptions) => new ContrastiveLoss(options),
});
