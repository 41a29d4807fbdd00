import * as tf from '@tensorflow/tfjs';
import { term, type LossTerm } from '../reducers';
import { gatherPairs } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO['triplet-margin'].defaults;

export interface TripletMarginOptions extends PairLossOptions {
  /** Default 0.2 (FaceNet). */
  margin?: number;
  /** softplus instead of the hinge (Hermans et al. 2017). */
  smooth?: boolean;
}

/** Triplet margin loss (Weinberger & Saul 2009; Schroff et al. 2015, FaceNet). */
export class TripletMarginLoss extends PairLoss {
  readonly name = 'triplet-margin' as const;
  readonly margin: number;
  readonly smooth: boolean;

  constructor(options: TripletMarginOptions = {}) {
    super(options, DEFAULTS);
    this.margin = options.margin ?? DEFAULTS.margin;
    this.smooth = options.smooth ?? DEFAULTS.smooth;
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const t = batch.triplets();
    const ap = gatherPairs(batch.mat, t.a, t.p);
    const an = gatherPairs(batch.mat, t.a, t.n);
    const violation = tf.add(this.distance.margin(ap, an), this.margin);
    return [term('loss', this.smooth ? tf.softplus(violation) : tf.relu(violation), 'triplet')];
  }
}

export const tripletMarginDescriptor = defineLoss({
  ...LOSS_INFO['triplet-margin'],
  create: (options: TripletMarginOptions) => new TripletMarginLoss(options),
});
