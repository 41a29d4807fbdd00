import * as tf from '@tensorflow/tfjs';

/** Stand-in for −∞ in masked reductions (a real −∞ would give ∞−∞ = NaN in gradients). */
const MASKED = -1e30;

/**
 * log Σ exp(x) over the entries where mask = 1, along `axis`; with `addOne` a 0 logit is added (log(1 + Σ …)).
 * Rows with no kept entry give 0, as in the papers' "no pair → no loss".
 */
export function maskedLogSumExp(x: tf.Tensor2D, mask: tf.Tensor2D, axis: 0 | 1, addOne: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const keep = tf.greater(mask, 0);
    let masked = tf.where(keep, x, tf.fill(x.shape, MASKED)) as tf.Tensor2D;
    if (addOne) {
      const zeros = axis === 1 ? tf.zeros([x.shape[0], 1]) : tf.zeros([1, x.shape[1]]);
      masked = tf.concat([masked, zeros], axis) as tf.Tensor2D;
    }
    const lse = tf.logSumExp(masked, axis) as tf.Tensor1D;
    const any = tf.greater(tf.sum(mask, axis), 0);
    return tf.where(any, lse, tf.zerosLike(lse));
  });
}

/** Identity whose gradient is zero (TF.js has no stop_gradient). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * x[idx[i]] for a 1-D x, differentiable. The gradient is a scatter-add: TF.js's own Gather gradient
 * (unsortedSegmentSum) loops once per element of x on cpu and takes seconds for a 256×256 matrix.
 */
export function gather1d(x: tf.Tensor1D, idx: Int32Array): tf.Tensor1D {
  const size = x.shape[0];
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: tf.gather(args[0] as tf.Tensor, tf.tensor1d(idx, 'int32')),
    gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.tensor2d(idx, [idx.length, 1], 'int32'), dy, [size]),
  }));
  return f(x) as tf.Tensor1D;
}

/** mat[rows[i], cols[i]] for every i, as a 1-D tensor. */
export function gatherPairs(mat: tf.Tensor2D, rows: Int32Array, cols: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const width = mat.shape[1];
    const flat = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) flat[i] = rows[i] * width + cols[i];
    return gather1d(tf.reshape(mat, [-1]) as tf.Tensor1D, flat);
  });
}

/** Rows idx of x, as a matrix product with a 0/1 selection matrix (fast gradient, unlike tf.gather). */
export function selectRows(x: tf.Tensor2D, idx: ArrayLike<number>): tf.Tensor2D {
  const sel = new Float32Array(idx.length * x.shape[0]);
  for (let i = 0; i < idx.length; i++) sel[i * x.shape[0] + idx[i]] = 1;
  return tf.matMul(tf.tensor2d(sel, [idx.length, x.shape[0]]), x);
}

/** One-hot rows (N×C) of integer class labels. */
export function oneHotMask(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const data = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) data[i * classes + labels[i]] = 1;
  return tf.tensor2d(data, [labels.length, classes]);
}

/** Rows (anchors) that have at least one positive and one negative: the others carry no loss. */
export function rowsWithBoth(pos: tf.Tensor2D, neg: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.logicalAnd(tf.greater(tf.sum(pos, 1), 0), tf.greater(tf.sum(neg, 1), 0)) as tf.Tensor1D);
}

/** x where keep, else 0. */
export function keepWhere(keep: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.where(keep, x, tf.zerosLike(x));
}
