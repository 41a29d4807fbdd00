import * as tf from '@tensorflow/tfjs';
import { resolveDistance, type Distance, type DistanceSpec } from '../distances';
import { term, type LossTerm, type ReducerName } from '../reducers';
import type { Labels } from '../tuples';
import { gatherPairs } from '../tf-ops';
import { BaseLoss, preparePairs, type CommonLossOptions, type LossInput } from './base';

export interface TripletMarginOptions extends CommonLossOptions {
  distance?: DistanceSpec;
  /** Default 0.2 (FaceNet). */
  margin?: number;
  /** softplus instead of the hinge (Hermans et al. 2017). */
  smooth?: boolean;
}

/** Triplet margin loss (Weinberger & Saul 2009; Schroff et al. 2015, FaceNet). */
export class TripletMarginLoss extends BaseLoss {
  readonly name = 'triplet-margin' as const;
  readonly distance: Distance;
  readonly reducer: ReducerName;
  readonly margin: number;
  readonly smooth: boolean;

  constructor(options: TripletMarginOptions = {}) {
    super();
    this.distance = resolveDistance(options.distance, 'euclidean');
    this.reducer = options.reducer ?? 'mean-nonzero';
    this.margin = options.margin ?? 0.2;
    this.smooth = options.smooth ?? false;
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    const batch = preparePairs(this.distance, emb, labels, input);
    const t = batch.triplets();
    const ap = gatherPairs(batch.mat, t.a, t.p);
    const an = gatherPairs(batch.mat, t.a, t.n);
    const violation = tf.add(this.distance.margin(ap, an), this.margin);
    return [term('loss', this.smooth ? tf.softplus(violation) : tf.relu(violation), 'triplet')];
  }
}
