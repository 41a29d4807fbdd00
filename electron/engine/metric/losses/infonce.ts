import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { term, type LossTerm } from '../reducers';
import { pairMasks, transposePairs, type PairTuple } from '../tuples';
import { gather1d, gatherPairs, maskedLogSumExp } from '../tf-ops';
import { PairLoss, type PairBatch, type PairLossOptions } from './base';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO.infonce.defaults;

export interface InfoNCEOptions extends PairLossOptions {
  /** Initial temperature τ, default 0.07 (CLIP; SimCLR's NT-Xent uses 0.5). */
  temperature?: number;
  /** Learn τ: the loss owns a variable log(1/τ) (CLIP's logit scale) unless `logitScale` is given. */
  learnTemperature?: boolean;
  /** A variable holding log(1/τ), owned by the caller; implies a learnable temperature. */
  logitScale?: tf.Variable;
  /** Upper bound of 1/τ, default 100 (CLIP's clamp). */
  maxScale?: number;
  /** With a reference set, average the query→reference and reference→query losses. Default true. */
  symmetric?: boolean;
}

/**
 * InfoNCE / NT-Xent (van den Oord et al. 2018; Chen et al. 2020; cross-modal and symmetric as in CLIP,
 * Radford et al. 2021): per positive pair (a, p),
 * −log( e^{s_ap/τ} / (e^{s_ap/τ} + Σ_{n∈N(a)} e^{s_an/τ}) ).
 */
export class InfoNCELoss extends PairLoss {
  readonly name = 'infonce' as const;
  readonly symmetric: boolean;
  readonly maxScale: number;
  private readonly fixedScale: number;
  private readonly scaleVar: tf.Variable | null;
  private readonly ownsScale: boolean;

  constructor(options: InfoNCEOptions = {}) {
    super(options, DEFAULTS);
    const temperature = options.temperature ?? DEFAULTS.temperature;
    if (!(temperature > 0)) throw usageError('infonce: temperature must be > 0');
    this.symmetric = options.symmetric ?? DEFAULTS.symmetric;
    this.maxScale = options.maxScale ?? DEFAULTS.maxScale;
    this.fixedScale = 1 / temperature;
    this.ownsScale = !options.logitScale && (options.learnTemperature ?? DEFAULTS.learnTemperature);
    this.scaleVar = options.logitScale ?? (this.ownsScale ? tf.tidy(() => tf.variable(tf.scalar(Math.log(1 / temperature)), true, 'infonce_logit_scale')) : null);
  }

  /** Current temperature τ. */
  temperature(): number {
    if (!this.scaleVar) return 1 / this.fixedScale;
    return 1 / Math.min(Math.exp(this.scaleVar.dataSync()[0]), this.maxScale);
  }

  /** τ as the trainer reports it (the `learnableTemperature` capability). */
  currentTemperature(): number {
    return this.temperature();
  }

  override trainableVariables(): tf.Variable[] {
    return this.scaleVar ? [this.scaleVar] : [];
  }

  override dispose(): void {
    if (this.ownsScale) this.scaleVar?.dispose();
  }

  /** 1/τ, differentiable when learnt (clamped at maxScale). */
  private scale(): tf.Tensor | number {
    return this.scaleVar ? tf.minimum(tf.exp(this.scaleVar), this.maxScale) : this.fixedScale;
  }

  /** Similarity logits of queries × references at the current temperature. */
  private logits(mat: tf.Tensor2D): tf.Tensor2D {
    const scale = this.scale();
    return tf.mul(mat, this.distance.isSimilarity ? scale : tf.neg(scale)) as tf.Tensor2D;
  }

  /**
   * InfoNCE with soft targets: the cross-entropy between a target distribution and the softmax of
   * the logits, averaged over rows (query → reference) and, with `symmetric`, over columns
   * (reference → query). Query i and reference i are the two sides of pair i, and `targets[i]` is
   * pair i's distribution over the other pairs, used for both directions (a symmetric kernel,
   * row-normalised). With one-hot targets this is cross-modal InfoNCE with pair positives.
   */
  softTargetLoss(query: tf.Tensor2D, ref: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    const [n, m] = [query.shape[0], ref.shape[0]];
    if (n !== m || targets.shape[0] !== n || targets.shape[1] !== n) throw usageError(`infonce soft targets: need ${n} queries, ${n} references and ${n}×${n} targets, got ${m} references and ${targets.shape.join('×')} targets`);
    return tf.tidy(() => {
      const logits = this.logits(this.distance.matrix(query, ref));
      const crossEntropy = (z: tf.Tensor2D): tf.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(z, 1)), 1))) as tf.Scalar;
      if (!this.symmetric) return crossEntropy(logits);
      return tf.mul(tf.add(crossEntropy(logits), crossEntropy(tf.transpose(logits))), 0.5) as tf.Scalar;
    });
  }

  protected pairTerms(batch: PairBatch): LossTerm[] {
    const logits = this.logits(batch.mat);
    const pairs = batch.pairs();
    if (batch.sameSet || !this.symmetric) return [term('loss', pairLosses(logits, pairs), 'pos-pair')];
    return [
      term('q2r', pairLosses(logits, pairs), 'pos-pair', { weight: 0.5 }),
      term('r2q', pairLosses(tf.transpose(logits), transposePairs(pairs)), 'pos-pair', { weight: 0.5 }),
    ];
  }
}

/** log(1 + Σ_n e^{z_an − z_ap}) for every positive pair; 0 when the anchor has no negative. */
function pairLosses(logits: tf.Tensor2D, pairs: PairTuple): tf.Tensor1D {
  const [rows, cols] = logits.shape;
  const { neg } = pairMasks(pairs, rows, cols);
  const hasNeg = new Uint8Array(rows);
  for (const a of pairs.a2) hasNeg[a] = 1;
  const keep = new Float32Array(pairs.a1.length);
  for (let i = 0; i < keep.length; i++) keep[i] = hasNeg[pairs.a1[i]];
  const negLse = maskedLogSumExp(logits, tf.tensor2d(neg, [rows, cols]), 1, false);
  const anchorLse = gather1d(negLse, pairs.a1);
  const pos = gatherPairs(logits, pairs.a1, pairs.p);
  return tf.mul(tf.softplus(tf.sub(anchorLse, pos)), tf.tensor1d(keep)) as tf.Tensor1D;
}

export const infoNCEDescriptor = defineLoss({
  ...LOSS_INFO.infonce,
  create: (options: InfoNCEOptions) => new InfoNCELoss(options),
});
