/**
 * The segment encoder's architecture without TF.js: its config, weight names and shapes, and the
 * constants both the TF.js encoder (training) and its ONNX graph (inference) use. Inference
 * (indexing workers, match sessions) imports only this side: loading TF.js costs ~1 CPU-s per
 * process or worker thread, paid by every indexing worker for nothing.
 */

export interface EncoderConfig {
  /** Descriptors per step, D. */
  inDim: number;
  /** Steps per segment, W. */
  window: number;
  /** Channels of the convolutions and the hidden projection layer. */
  hidden: number;
  /** Embedding size, d. */
  outDim: number;
  /** Number of temporal convolutions (1 or 2). */
  convLayers: 1 | 2;
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}
/** Weights by name: `standardise.mean|std`, `conv{i}.kernel [3, Cin, H]|bias`, `proj{1,2}.kernel [in, out]|bias`. */
export type NamedWeights = Record<string, WeightTensor>;

export const KERNEL_SIZE = 3;
/** Added to the pooled variance: sqrt has an infinite gradient at 0. */
export const POOL_EPS = 1e-5;
/** Floor on the squared norm before normalising (as tf.l2Normalize). */
export const NORM_EPS = 1e-12;

export const DEFAULT_HIDDEN = 128;
export const DEFAULT_OUT_DIM = 128;

/** Names and shapes of every weight, in a fixed order. */
export function weightShapes(config: EncoderConfig): Array<[string, number[]]> {
  const { inDim, hidden, outDim, convLayers } = config;
  const shapes: Array<[string, number[]]> = [
    ['standardise.mean', [inDim]],
    ['standardise.std', [inDim]],
  ];
  for (let i = 1; i <= convLayers; i++) {
    shapes.push([`conv${i}.kernel`, [KERNEL_SIZE, i === 1 ? inDim : hidden, hidden]], [`conv${i}.bias`, [hidden]]);
  }
  shapes.push(['proj1.kernel', [2 * hidden, hidden]], ['proj1.bias', [hidden]]);
  shapes.push(['proj2.kernel', [hidden, outDim]], ['proj2.bias', [outDim]]);
  return shapes;
}
