import * as tf from '@tensorflow/tfjs';
import { usageError } from '../../errors';
import { createDistance, l2Normalize, type Distance } from '../distances';
import { term, type LossTerm, type ReducerName } from '../reducers';
import type { Labels } from '../tuples';
import { oneHotMask } from '../tf-ops';
import { BaseLoss, type LossInput } from './base';
import { classBatch, classVariable, requireClassOptions, type ClassLossOptions } from './class-batch';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

export type MarginSoftmaxName = 'l2-softmax' | 'large-margin-softmax' | 'sphereface' | 'normface' | 'cosface' | 'arcface';

export interface MarginSoftmaxOptions extends ClassLossOptions {
  /** Logit scale: α of L2-softmax, s of NormFace/CosFace/ArcFace, an extra factor for L-Softmax/SphereFace. */
  scale?: number;
  /** Additive cosine margin (CosFace), additive angle in radians (ArcFace), integer angle multiplier (L-Softmax, SphereFace). */
  margin?: number;
  /** Annealing weight λ of L-Softmax/SphereFace: target logit (λ·cos θ + ψ(θ)) / (1 + λ). Default 0. */
  lambda?: number;
}

/** Literature defaults per loss (see docs/losses.md), from the catalog. */
export const MARGIN_SOFTMAX_DEFAULTS = Object.fromEntries(
  (['l2-softmax', 'large-margin-softmax', 'sphereface', 'normface', 'cosface', 'arcface'] as const).map((name) => [name, { scale: LOSS_INFO[name].defaults.scale, margin: LOSS_INFO[name].defaults.margin }]),
) as Record<MarginSoftmaxName, { scale: number; margin: number }>;

const REDUCER = LOSS_INFO['l2-softmax'].defaults.reducer;

/** Keeps acos away from ±1, where its derivative is infinite. */
const ACOS_CLIP = 1e-7;

/**
 * Softmax cross-entropy over class weights W (D×C), with the normalisation and target-logit margin of:
 * L2-softmax (Ranjan et al. 2017), L-Softmax (Liu et al. 2016), A-softmax / SphereFace (Liu et al. 2017),
 * NormFace (Wang et al. 2017), AM-softmax / CosFace (Wang et al. 2018), ArcFace (Deng et al. 2019).
 */
export class MarginSoftmaxLoss extends BaseLoss {
  readonly name: MarginSoftmaxName;
  readonly distance: Distance = createDistance('cosine');
  readonly reducer: ReducerName;
  readonly numClasses: number;
  readonly scale: number;
  readonly margin: number;
  readonly lambda: number;
  readonly W: tf.Variable<tf.Rank.R2>;

  constructor(name: MarginSoftmaxName, options: MarginSoftmaxOptions) {
    super();
    if (!(name in MARGIN_SOFTMAX_DEFAULTS)) throw usageError(`unknown softmax loss "${name}"`);
    this.name = name;
    this.reducer = options.reducer ?? REDUCER;
    this.numClasses = options.numClasses;
    this.scale = options.scale ?? MARGIN_SOFTMAX_DEFAULTS[name].scale;
    this.margin = options.margin ?? MARGIN_SOFTMAX_DEFAULTS[name].margin;
    this.lambda = options.lambda ?? 0;
    if (multiplicative(name) && (!Number.isInteger(this.margin) || this.margin < 1)) throw usageError(`${name}: margin must be an integer ≥ 1`);
    const std = Math.sqrt(2 / (options.embeddingSize + options.numClasses));
    this.W = classVariable([options.embeddingSize, options.numClasses], options, std, name.replace(/-/g, '_')) as tf.Variable<tf.Rank.R2>;
  }

  override trainableVariables(): tf.Variable[] {
    return [this.W];
  }

  override dispose(): void {
    this.W.dispose();
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    const batch = classBatch(emb, labels, input, this.numClasses, this.name);
    const target = oneHotMask(batch.labels, this.numClasses);
    const logits = this.logits(batch.x, target);
    const ce = tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, target), 1));
    return [term('loss', tf.mul(ce, tf.tensor1d(batch.weights)), 'element')];
  }

  private logits(x: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor2D {
    if (this.name === 'l2-softmax') return tf.matMul(tf.mul(l2Normalize(x), this.scale), this.W);
    const cos = tf.clipByValue(tf.matMul(l2Normalize(x), l2Normalize(this.W, 0)), -1, 1);
    const cosT = tf.sum(tf.mul(cos, target), 1);
    const withTarget = (t: tf.Tensor): tf.Tensor2D => tf.add(cos, tf.mul(target, tf.reshape(tf.sub(t, cosT), [-1, 1])));
    switch (this.name) {
      case 'normface':
        return tf.mul(cos, this.scale);
      case 'cosface':
        return tf.mul(tf.sub(cos, tf.mul(target, this.margin)), this.scale);
      case 'arcface': {
        const m = this.margin;
        const theta = tf.acos(tf.clipByValue(cosT, -1 + ACOS_CLIP, 1 - ACOS_CLIP));
        // Past θ + m > π, cos(θ + m) would rise again; InsightFace's linear continuation keeps it monotonic.
        const inRange = tf.cast(tf.step(tf.sub(cosT, Math.cos(Math.PI - m))), 'bool');
        const phi = tf.where(inRange, tf.cos(tf.add(theta, m)), tf.sub(cosT, m * Math.sin(Math.PI - m)));
        return tf.mul(withTarget(phi), this.scale);
      }
      default: {
        const xNorm = tf.norm(x, 2, 1, true);
        const magnitude = this.name === 'sphereface' ? xNorm : tf.mul(xNorm, tf.norm(this.W, 2, 0, true));
        const psi = psiOf(cosT as tf.Tensor1D, this.margin);
        const annealed = tf.div(tf.add(tf.mul(cosT, this.lambda), psi), 1 + this.lambda);
        return tf.mul(tf.mul(withTarget(annealed), magnitude), this.scale);
      }
    }
  }
}

/** L-Softmax and SphereFace multiply the angle by an integer margin (and can anneal with λ). */
function multiplicative(name: MarginSoftmaxName): boolean {
  return name === 'sphereface' || name === 'large-margin-softmax';
}

/**
 * ψ(θ) = (−1)^k cos(mθ) − 2k for θ ∈ [kπ/m, (k+1)π/m] (L-Softmax eq. 6), from cos θ alone:
 * cos(mθ) by the multiple-angle formula, k by counting the thresholds cos(jπ/m) > cos θ (no acos, no NaN).
 */
function psiOf(c: tf.Tensor1D, m: number): tf.Tensor1D {
  return tf.tidy(() => {
    const sin2 = tf.sub(1, tf.square(c));
    let cosM: tf.Tensor = tf.zerosLike(c);
    for (let n = 0; 2 * n <= m; n++) {
      const coef = (n % 2 === 0 ? 1 : -1) * binomial(m, 2 * n);
      cosM = tf.add(cosM, tf.mul(tf.mul(tf.pow(c, m - 2 * n), tf.pow(sin2, n)), coef));
    }
    let k: tf.Tensor = tf.zerosLike(c);
    // step (zero gradient) rather than a comparison op, which has no gradient in TF.js; at a threshold
    // both neighbouring k give the same ψ, so step(0) = 0 is harmless.
    for (let j = 1; j < m; j++) k = tf.add(k, tf.step(tf.sub(Math.cos((j * Math.PI) / m), c)));
    const sign = tf.sub(1, tf.mul(tf.mod(k, 2), 2));
    return tf.sub(tf.mul(sign, cosM), tf.mul(k, 2)) as tf.Tensor1D;
  });
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** The registry entry of one softmax variant: its catalog entry and a factory for that name. */
function marginSoftmaxDescriptor<const N extends MarginSoftmaxName>(name: N) {
  return defineLoss({
    ...LOSS_INFO[name],
    create: (options: Partial<MarginSoftmaxOptions>) => new MarginSoftmaxLoss(name, requireClassOptions(name, options)),
  });
}

export const l2SoftmaxDescriptor = marginSoftmaxDescriptor('l2-softmax');
export const largeMarginSoftmaxDescriptor = marginSoftmaxDescriptor('large-margin-softmax');
export const sphereFaceDescriptor = marginSoftmaxDescriptor('sphereface');
export const normFaceDescriptor = marginSoftmaxDescriptor('normface');
export const cosFaceDescriptor = marginSoftmaxDescriptor('cosface');
export const arcFaceDescriptor = marginSoftmaxDescriptor('arcface');
