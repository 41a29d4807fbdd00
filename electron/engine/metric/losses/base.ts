import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { resolveDistance, type Distance, type DistanceName, type DistanceSpec } from '../distances';
import { reduceTerms, type LossTerm, type ReducerName } from '../reducers';
import { allPairs, checkTuple, pairMasks, toPairs, toTriplets, type IndicesTuple, type Labels, type PairTuple, type TripletTuple } from '../tuples';

export interface LossInput {
  /** Mined pairs or triplets; when given, only these are used (labels become optional for pair losses). */
  indicesTuple?: IndicesTuple;
  /** Separate reference set (e.g. music segments for video queries). */
  refEmb?: tf.Tensor2D;
  refLabels?: Labels;
}

export interface MetricLoss {
  /** The name it is registered under (a `LossName`; typed as a string so the registry can derive that union). */
  readonly name: string;
  readonly distance: Distance;
  readonly reducer: ReducerName;
  /** Scalar loss (sum of the reduced, weighted sub-losses). */
  compute(emb: tf.Tensor2D, labels?: Labels | null, input?: LossInput): tf.Scalar;
  /** Named sub-losses with their reduction types, before the reducer. The caller disposes the tensors. */
  computeTerms(emb: tf.Tensor2D, labels?: Labels | null, input?: LossInput): LossTerm[];
  /** Parameters the loss owns or uses (temperature, proxies, class weights); empty for most pair losses. */
  trainableVariables(): tf.Variable[];
  /** Free the loss's own variables. */
  dispose(): void;
  /** Current temperature τ, for losses with the `learnableTemperature` capability. */
  currentTemperature?(): number;
}

export interface CommonLossOptions {
  reducer?: ReducerName;
}

export abstract class BaseLoss implements MetricLoss {
  abstract readonly name: string;
  abstract readonly distance: Distance;
  abstract readonly reducer: ReducerName;

  compute(emb: tf.Tensor2D, labels?: Labels | null, input: LossInput = {}): tf.Scalar {
    return tf.tidy(() => reduceTerms(this.terms(emb, labels ?? undefined, input), this.reducer));
  }

  computeTerms(emb: tf.Tensor2D, labels?: Labels | null, input: LossInput = {}): LossTerm[] {
    // tidy only returns tensor containers: keep the tensors, carry the rest of each term beside them.
    let meta: Omit<LossTerm, 'losses'>[] = [];
    const tensors = tf.tidy(() => {
      const terms = this.terms(emb, labels ?? undefined, input);
      meta = terms.map(({ losses: _losses, ...rest }) => rest);
      return terms.map((t) => t.losses);
    });
    return tensors.map((losses, i) => ({ ...meta[i], losses }));
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }

  dispose(): void {}

  protected abstract terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[];
}

/** The query×reference matrix and the pairs/triplets to use, resolved from labels or a tuple. */
export interface PairBatch {
  mat: tf.Tensor2D;
  queries: number;
  refs: number;
  /** True when there is no separate reference set (self-pairs excluded). */
  sameSet: boolean;
  /** The queries' labels, when given (a loss that selects by class needs them even with a tuple). */
  labels: Labels | undefined;
  pairs(): PairTuple;
  triplets(): TripletTuple;
  /** 0/1 float masks N×R. */
  masks(): { pos: tf.Tensor2D; neg: tf.Tensor2D };
}

export function checkLabels(labels: Labels | undefined, rows: number, what: string): void {
  if (labels && labels.length !== rows) throw usageError(`${what}: ${labels.length} labels for ${rows} embeddings`);
}

export function preparePairs(distance: Distance, emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): PairBatch {
  const ref = input.refEmb ?? emb;
  const sameSet = input.refEmb === undefined;
  const refLabels = sameSet ? labels : input.refLabels;
  const queries = emb.shape[0];
  const refs = ref.shape[0];
  checkLabels(labels, queries, 'labels');
  checkLabels(refLabels, refs, 'refLabels');
  const tuple = input.indicesTuple;
  if (tuple) checkTuple(tuple, queries, refs);
  else if (!labels || !refLabels) throw usageError('a pair loss needs labels (and refLabels with refEmb) or an indices tuple');
  let pairs: PairTuple | undefined;
  let triplets: TripletTuple | undefined;
  const getPairs = (): PairTuple => (pairs ??= tuple ? toPairs(tuple) : allPairs(labels as Labels, refLabels as Labels, sameSet));
  return {
    mat: distance.matrix(emb, ref),
    queries,
    refs,
    sameSet,
    labels,
    pairs: getPairs,
    triplets: () => (triplets ??= toTriplets(tuple ?? getPairs())),
    masks: () => {
      const m = pairMasks(getPairs(), queries, refs);
      return { pos: tf.tensor2d(m.pos, [queries, refs]), neg: tf.tensor2d(m.neg, [queries, refs]) };
    },
  };
}

export interface PairLossOptions extends CommonLossOptions {
  distance?: DistanceSpec;
}

/** A loss over the query×reference matrix: resolves its distance, reducer and pairs once. */
export abstract class PairLoss extends BaseLoss {
  readonly distance: Distance;
  readonly reducer: ReducerName;

  constructor(options: PairLossOptions, defaults: { distance: DistanceName; reducer: ReducerName }) {
    super();
    this.distance = resolveDistance(options.distance, defaults.distance);
    this.reducer = options.reducer ?? defaults.reducer;
  }

  /** A default that depends on the polarity of the distance (margins). */
  protected byPolarity(forDistance: number, forSimilarity: number): number {
    return this.distance.isSimilarity ? forSimilarity : forDistance;
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    return this.pairTerms(preparePairs(this.distance, emb, labels, input));
  }

  protected abstract pairTerms(batch: PairBatch): LossTerm[];
}
