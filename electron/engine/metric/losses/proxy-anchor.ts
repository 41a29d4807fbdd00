import * as tf from '@tensorflow/tfjs';
import { createDistance, type Distance } from '../distances';
import { term, type LossTerm, type ReducerName } from '../reducers';
import type { Labels } from '../tuples';
import { maskedLogSumExp, oneHotMask } from '../tf-ops';
import { BaseLoss, type LossInput } from './base';
import { classBatch, classVariable, requireClassOptions, type ClassLossOptions } from './class-batch';
import { LOSS_INFO } from './catalog';
import { defineLoss } from './descriptor';

const DEFAULTS = LOSS_INFO['proxy-anchor'].defaults;

export interface ProxyAnchorOptions extends ClassLossOptions {
  /** Default 32. */
  alpha?: number;
  /** Margin δ, default 0.1. */
  margin?: number;
}

/**
 * Proxy-Anchor loss (Kim et al. 2020), one proxy per class:
 * 1/|P⁺| Σ_{p∈P⁺} log(1 + Σ_{x∈X⁺_p} e^{−α(s(x,p) − δ)}) + 1/|P| Σ_{p∈P} log(1 + Σ_{x∈X⁻_p} e^{α(s(x,p) + δ)}).
 * Embeddings with weight 0 under an indices tuple are left out.
 */
export class ProxyAnchorLoss extends BaseLoss {
  readonly name = 'proxy-anchor' as const;
  readonly distance: Distance = createDistance(DEFAULTS.distance);
  readonly reducer: ReducerName;
  readonly numClasses: number;
  readonly alpha: number;
  readonly margin: number;
  readonly proxies: tf.Variable<tf.Rank.R2>;

  constructor(options: ProxyAnchorOptions) {
    super();
    this.reducer = options.reducer ?? DEFAULTS.reducer;
    this.numClasses = options.numClasses;
    this.alpha = options.alpha ?? DEFAULTS.alpha;
    this.margin = options.margin ?? DEFAULTS.margin;
    this.proxies = classVariable([options.numClasses, options.embeddingSize], options, 1, 'proxy_anchor') as tf.Variable<tf.Rank.R2>;
  }

  override trainableVariables(): tf.Variable[] {
    return [this.proxies];
  }

  override dispose(): void {
    this.proxies.dispose();
  }

  protected terms(emb: tf.Tensor2D, labels: Labels | undefined, input: LossInput): LossTerm[] {
    const batch = classBatch(emb, labels, input, this.numClasses, this.name);
    const cos = this.distance.matrix(batch.x, this.proxies);
    const keep = tf.reshape(tf.tensor1d(batch.weights.map((w) => (w > 0 ? 1 : 0))), [-1, 1]);
    const target = oneHotMask(batch.labels, this.numClasses);
    const pos = tf.mul(target, keep) as tf.Tensor2D;
    const neg = tf.mul(tf.sub(1, target), keep) as tf.Tensor2D;
    const withPos = new Set<number>();
    batch.labels.forEach((c, i) => {
      if (batch.weights[i] > 0) withPos.add(c);
    });
    const posTerm = maskedLogSumExp(tf.mul(tf.sub(cos, this.margin), -this.alpha) as tf.Tensor2D, pos, 0, true);
    const negTerm = maskedLogSumExp(tf.mul(tf.add(cos, this.margin), this.alpha) as tf.Tensor2D, neg, 0, true);
    return [
      term('pos_loss', posTerm, 'element', { divisor: withPos.size }),
      term('neg_loss', negTerm, 'element', { divisor: this.numClasses }),
    ];
  }
}

export const proxyAnchorDescriptor = defineLoss({
  ...LOSS_INFO['proxy-anchor'],
  create: (options: Partial<ProxyAnchorOptions>) => new ProxyAnchorLoss(requireClassOptions('proxy-anchor', options)),
});
