import type { MetricLoss } from './base';

/** Pair losses compare embeddings with each other; proxy losses with per-class weights; unified ones do both views in one formula. */
export type LossFamily = 'pair' | 'proxy' | 'unified';

/** What a caller (the trainer, a CLI, a test) must know about a loss instead of branching on its name. */
export interface LossCapabilities {
  /**
   * Labels must be class indices 0..numClasses−1: the loss owns per-class weights or proxies, so its
   * factory needs `numClasses` and `embeddingSize`, and both modalities are classified against them.
   */
  needsClassLabels: boolean;
  /** Labels are needed even with an indices tuple (the loss selects its pairs by class). */
  needsLabelsWithTuple: boolean;
  /** Parameters the loss trains along with the encoders (empty: none). */
  learnableParams: readonly string[];
  /** The factory takes `temperature` and `learnTemperature`, and the loss reports `currentTemperature()`. */
  learnableTemperature: boolean;
  /** With a reference set the loss itself averages query→reference and reference→query. */
  symmetricCrossModal: boolean;
}

/** One registry entry: everything needed to build, describe and drive a loss. */
export interface LossDescriptor<N extends string = string, O = object> {
  readonly name: N;
  readonly family: LossFamily;
  /** One line for users: the paper and the idea. */
  readonly summary: string;
  readonly capabilities: LossCapabilities;
  /** Default hyper-parameters as shown to users (with the default distance: margins flip with a similarity). */
  readonly defaults: Readonly<Record<string, number | string | boolean>>;
  /** Build the loss; each loss reads the option fields it knows. */
  create(options: O): MetricLoss;
}

/** Capabilities of a plain pair loss: labels or a tuple, nothing learnt, one direction per call. */
export const PAIR_CAPABILITIES: LossCapabilities = {
  needsClassLabels: false,
  needsLabelsWithTuple: false,
  learnableParams: [],
  learnableTemperature: false,
  symmetricCrossModal: false,
};

/** Identity that keeps the literal name type, so the registry can derive `LossName`. */
export function defineLoss<const N extends string, O>(descriptor: LossDescriptor<N, O>): LossDescriptor<N, O> {
  return descriptor;
}
