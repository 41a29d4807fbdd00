import * as tf from '@tensorflow/tfjs';
import { usageError } from '../errors';

export type ReducerName = 'mean' | 'mean-nonzero' | 'sum';
export const REDUCER_NAMES: readonly ReducerName[] = ['mean', 'mean-nonzero', 'sum'];

/** What one entry of a sub-loss stands for. */
export type ReductionType = 'element' | 'pos-pair' | 'neg-pair' | 'triplet' | 'already-reduced';

/** A named sub-loss before reduction. */
export interface LossTerm {
  name: string;
  /** 1-D per-entry losses, or a scalar when reductionType is 'already-reduced'. */
  losses: tf.Tensor;
  reductionType: ReductionType;
  /** Multiplies the reduced value (e.g. 0.5 for each direction of a symmetric loss). */
  weight: number;
  /** When set, the term is reduced as sum / divisor whatever the reducer (the paper fixes its normalisation). */
  divisor?: number;
}

export function term(name: string, losses: tf.Tensor, reductionType: ReductionType, extra: { weight?: number; divisor?: number } = {}): LossTerm {
  return { name, losses, reductionType, weight: extra.weight ?? 1, divisor: extra.divisor };
}

/** Reduce one term to a scalar. Empty terms give 0 (still connected to the graph, so gradients are zeros). */
export function reduceTerm(t: LossTerm, reducer: ReducerName): tf.Scalar {
  return tf.tidy(() => {
    const x = t.losses;
    if (t.reductionType === 'already-reduced') return tf.sum(x);
    if (t.divisor !== undefined) return tf.div(tf.sum(x), Math.max(t.divisor, 1));
    switch (reducer) {
      case 'sum':
        return tf.sum(x);
      case 'mean':
        return tf.div(tf.sum(x), Math.max(x.size, 1));
      case 'mean-nonzero': {
        // step, not greater: comparison ops have no gradient in TF.js and would break backprop.
        const count = tf.sum(tf.step(x));
        return tf.div(tf.sum(x), tf.maximum(count, 1));
      }
      default:
        throw usageError(`unknown reducer "${String(reducer)}" (one of ${REDUCER_NAMES.join(', ')})`);
    }
  });
}

/** Weighted sum of the reduced terms. */
export function reduceTerms(terms: LossTerm[], reducer: ReducerName): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    for (const t of terms) total = tf.add(total, tf.mul(reduceTerm(t, reducer), t.weight));
    return total;
  });
}
