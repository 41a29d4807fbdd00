import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { resolveDistance, type Distance, type DistanceName, type DistanceSpec } from '../distances';
import type { IndicesTuple, Labels } from '../tuples';

export type MinerName = 'batch-hard' | 'semi-hard' | 'multi-similarity' | 'pair-margin';

export interface MinerInput {
  refEmb?: tf.Tensor2D;
  refLabels?: Labels;
}

export interface Miner {
  readonly name: MinerName;
  readonly distance: Distance;
  /** Index tuple into the queries (anchors) and the reference set (the queries themselves when absent). */
  mine(emb: tf.Tensor2D, labels: Labels, input?: MinerInput): IndicesTuple;
}

/** The query×reference values as plain numbers (mining needs no gradient), with the labels to compare. */
export interface MiningView {
  mat: Float32Array;
  rows: number;
  cols: number;
  labels: Labels;
  refLabels: Labels;
  sameSet: boolean;
  /** Is (i, j) a usable pair at all (not an embedding with itself)? */
  valid(i: number, j: number): boolean;
}

export function miningView(distance: Distance, emb: tf.Tensor2D, labels: Labels, input: MinerInput = {}): MiningView {
  const sameSet = input.refEmb === undefined;
  const refLabels = sameSet ? labels : input.refLabels;
  if (!refLabels) throw usageError('a miner needs refLabels with refEmb');
  const rows = emb.shape[0];
  const cols = input.refEmb ? input.refEmb.shape[0] : rows;
  if (labels.length !== rows || refLabels.length !== cols) throw usageError('miner: labels and embeddings differ in count');
  const matrix = distance.matrix(emb, input.refEmb ?? emb);
  const mat = matrix.dataSync() as Float32Array;
  matrix.dispose();
  return { mat, rows, cols, labels, refLabels, sameSet, valid: (i, j) => !(sameSet && i === j) };
}

/** A miner that selects from the plain query×reference values. */
export abstract class BaseMiner implements Miner {
  abstract readonly name: MinerName;
  readonly distance: Distance;

  constructor(distance: DistanceSpec | undefined, fallback: DistanceName) {
    this.distance = resolveDistance(distance, fallback);
  }

  mine(emb: tf.Tensor2D, labels: Labels, input?: MinerInput): IndicesTuple {
    return this.select(miningView(this.distance, emb, labels, input));
  }

  protected abstract select(v: MiningView): IndicesTuple;
}
