import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { createRng, gaussian } from '../../util/prng';
import { tupleWeights, type Labels } from '../tuples';
import { checkLabels, type CommonLossOptions, type LossInput } from './base';

export interface ClassLossOptions extends CommonLossOptions {
  numClasses: number;
  embeddingSize: number;
  /** Seed of the random initial class weights / proxies. Default 0. */
  seed?: number;
  /** Initial values instead of random ones (row-major, the variable's shape). */
  initialWeights?: Float32Array;
}

/** The class options a factory was given, or a clear error naming the loss. */
export function requireClassOptions<O extends Partial<ClassLossOptions>>(name: string, options: O): O & ClassLossOptions {
  const { numClasses, embeddingSize } = options;
  if (numClasses === undefined || embeddingSize === undefined) throw usageError(`${name} needs numClasses and embeddingSize`);
  return { ...options, numClasses, embeddingSize };
}

let variableCount = 0;

/** A trainable class-weight (or proxy) variable, random normal with the given std unless values are given. */
export function classVariable(shape: [number, number], options: ClassLossOptions, std: number, name: string): tf.Variable {
  const { numClasses, embeddingSize } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw usageError(`${name}: numClasses must be a positive integer`);
  if (!Number.isInteger(embeddingSize) || embeddingSize < 1) throw usageError(`${name}: embeddingSize must be a positive integer`);
  const init = options.initialWeights;
  if (init && init.length !== shape[0] * shape[1]) throw usageError(`${name}: initialWeights has ${init.length} values, expected ${shape[0] * shape[1]}`);
  // tidy frees the initial value: the variable keeps its own copy. Names must be unique in the process.
  const id = ++variableCount;
  return tf.tidy(() => tf.variable(tf.tensor2d(init ?? normalValues(shape[0] * shape[1], std, options.seed ?? 0), shape), true, `${name}_${id}`));
}

/** Seeded normal values: tf.randomNormal takes seed 0 as "no seed" and would draw new weights every run. */
function normalValues(n: number, std: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => std * gaussian(rng));
}

/**
 * Embeddings to classify with their class labels. A reference set (the other modality) is classified
 * against the same class weights, so both modalities meet at shared proxies.
 * Weights come from the indices tuple (how often each embedding is mentioned), ones without one.
 */
export interface ClassBatch {
  x: tf.Tensor2D;
  labels: Int32Array;
  weights: Float32Array;
}

export function classBatch(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput, numClasses: number, what: string): ClassBatch {
  if (!labels) throw usageError(`${what} needs class labels`);
  checkLabels(labels, emb.shape[0], 'labels');
  const refs = input.refEmb ? input.refEmb.shape[0] : 0;
  if (input.refEmb && !input.refLabels) throw usageError(`${what} needs refLabels with refEmb`);
  if (input.refEmb) checkLabels(input.refLabels, refs, 'refLabels');
  const all = Int32Array.from([...Array.from(labels), ...Array.from(input.refLabels ?? [])]);
  for (const c of all) if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw usageError(`${what}: label ${c} is not a class index in 0..${numClasses - 1}`);
  const x = input.refEmb ? (tf.concat([emb, input.refEmb], 0) as tf.Tensor2D) : emb;
  return { x, labels: all, weights: tupleWeights(input.indicesTuple, emb.shape[0], refs) };
}
