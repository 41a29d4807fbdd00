import * as tf from '@tensorflow/tfjs';
import { usageError } from '../errors';

export type DistanceName = 'cosine' | 'dot' | 'euclidean' | 'squared-euclidean';
export const DISTANCE_NAMES: readonly DistanceName[] = ['cosine', 'dot', 'euclidean', 'squared-euclidean'];

/**
 * A distance carries its polarity so one loss body serves similarities (higher = closer) and distances
 * (lower = closer).
 */
export interface Distance {
  readonly name: DistanceName;
  /** True when a larger value means closer (cosine, dot). */
  readonly isSimilarity: boolean;
  /** L2-normalise embeddings before comparing them. */
  readonly normalize: boolean;
  /** queries N×D, refs R×D → N×R. */
  matrix(queries: tf.Tensor2D, refs: tf.Tensor2D): tf.Tensor2D;
  /** How much `x` is worse (farther) than `y`: x − y for distances, y − x for similarities. */
  margin(x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor;
  /** Is value `x` closer than value `y`? (plain numbers, for miners) */
  closer(x: number, y: number): boolean;
}

export interface DistanceOptions {
  /** Default: true (false for plain dot product). */
  normalize?: boolean;
}

/** Floor on norms and squared distances: keeps gradients finite at zero vectors and at self-distances. */
const EPS = 1e-12;

export function l2Normalize(x: tf.Tensor2D, axis = 1): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), EPS));
    return tf.div(x, norm) as tf.Tensor2D;
  });
}

export function createDistance(name: DistanceName, options: DistanceOptions = {}): Distance {
  if (!DISTANCE_NAMES.includes(name)) throw usageError(`unknown distance "${String(name)}" (one of ${DISTANCE_NAMES.join(', ')})`);
  const isSimilarity = name === 'cosine' || name === 'dot';
  const normalize = name === 'cosine' ? true : (options.normalize ?? name !== 'dot');
  const prep = (x: tf.Tensor2D): tf.Tensor2D => (normalize ? l2Normalize(x) : x);
  const matrix = (queries: tf.Tensor2D, refs: tf.Tensor2D): tf.Tensor2D =>
    tf.tidy(() => {
      const q = prep(queries);
      const r = queries === refs ? q : prep(refs);
      const dot = tf.matMul(q, r, false, true);
      if (isSimilarity) return dot as tf.Tensor2D;
      const qq = tf.sum(tf.square(q), 1, true);
      const rr = tf.reshape(tf.sum(tf.square(r), 1), [1, -1]);
      const sq = tf.relu(tf.sub(tf.add(qq, rr), tf.mul(dot, 2))) as tf.Tensor2D;
      // max(·, EPS) before sqrt: the derivative of sqrt at 0 is infinite, and masks multiply it by 0 → NaN.
      return name === 'squared-euclidean' ? sq : (tf.sqrt(tf.maximum(sq, EPS)) as tf.Tensor2D);
    });
  return {
    name,
    isSimilarity,
    normalize,
    matrix,
    margin: (x, y) => (isSimilarity ? tf.sub(y, x) : tf.sub(x, y)),
    closer: (x, y) => (isSimilarity ? x > y : x < y),
  };
}

export type DistanceSpec = Distance | DistanceName;

export function resolveDistance(spec: DistanceSpec | undefined, fallback: DistanceName): Distance {
  if (spec === undefined) return createDistance(fallback);
  return typeof spec === 'string' ? createDistance(spec) : spec;
}
