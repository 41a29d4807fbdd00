import * as tf from '@tensorflow/tfjs';
import { createLoss, InfoNCELoss, lossDescriptor, type LossCapabilities, type LossName, type MetricLoss } from '../metric/losses';
import { MOOD_CLASSES, type PairSample } from './dataset';
import { latentTargets } from './soft-positives';

/** The configured loss, given what its capabilities ask for: mood classes (weights seeded by the run), a learnt temperature. */
export function buildLoss(config: { loss: LossName; outDim: number; temperature: number; seed: number }): MetricLoss {
  const { capabilities } = lossDescriptor(config.loss);
  return createLoss(config.loss, {
    ...(capabilities.needsClassLabels && { numClasses: MOOD_CLASSES, embeddingSize: config.outDim, seed: config.seed }),
    ...(capabilities.learnableTemperature && { temperature: config.temperature, learnTemperature: true }),
  });
}

/**
 * The loss of one batch of video (`ev`) and music (`ea`) embeddings, row i of each from pair i.
 * Class losses classify both modalities by mood class against the same weights; pair losses compare
 * video with music, averaged over both directions unless the loss already is symmetric. With
 * `softPositives` (σ > 0, InfoNCE) the targets are the latent kernel's instead of the labels.
 */
export function batchLoss(loss: MetricLoss, capabilities: LossCapabilities, ev: tf.Tensor2D, ea: tf.Tensor2D, items: PairSample[], labels: Int32Array, softPositives = 0): tf.Scalar {
  if (softPositives > 0) {
    if (!(loss instanceof InfoNCELoss)) throw new RangeError(`soft positives need the infonce loss, not ${loss.name}`);
    const n = items.length;
    return loss.softTargetLoss(ev, ea, tf.tensor2d(latentTargets(items.map((p) => p.latent), softPositives), [n, n]));
  }
  if (capabilities.needsClassLabels) {
    const cls = items.map((p) => p.classId);
    return loss.compute(tf.concat([ev, ea], 0) as tf.Tensor2D, Int32Array.from([...cls, ...cls]));
  }
  if (capabilities.symmetricCrossModal) return loss.compute(ev, labels, { refEmb: ea, refLabels: labels });
  const a = loss.compute(ev, labels, { refEmb: ea, refLabels: labels });
  const b = loss.compute(ea, labels, { refEmb: ev, refLabels: labels });
  return tf.mul(tf.add(a, b), 0.5) as tf.Scalar;
}
