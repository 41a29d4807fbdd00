/**
 * Rejected feedback as hard negatives. A rejection says "this track, from this offset, does not fit
 * this clip range": window i of the clip's pictures and window i of the track's audio from the
 * offset (the same alignment as an accepted pair) must end up apart. Every training step carries up
 * to `perStep` such window pairs beside the ordinary batch and adds, per pair, a ranking hinge
 *
 *   weight · max(0, cos(v, a_rejected) − mean_j cos(v, a_j) + margin)
 *
 * where a_j are the batch's music embeddings: the rejected track must score at least `margin`
 * below the clip's typical track in the batch. A ranking term rather than an absolute cosine
 * threshold, because what the user sees is the rank, and cosine levels move as the model trains.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../util/prng';
import type { PairSample } from './dataset';

export const HARD_NEGATIVE_DEFAULTS = { margin: 0.1, weight: 1, perStep: 16 } as const;

export interface HardNegatives {
  /** Rejected (clip window, track window) pairs, one window each (feedback-pairs.ts). */
  pairs: PairSample[];
  margin?: number;
  weight?: number;
  /** Most rejected pairs per step (a seeded random subset when there are more). */
  perStep?: number;
}

/** The rejected pairs of one step as encoder batches [n, W, D]; the same step gives the same pick (resume). */
export function hardNegativeBatch(neg: HardNegatives, step: number, seed: number): { n: number; video: Float32Array; audio: Float32Array } {
  const perStep = neg.perStep ?? HARD_NEGATIVE_DEFAULTS.perStep;
  let chosen = neg.pairs;
  if (chosen.length > perStep) {
    const rng = createRng(seed * 7_919 + step);
    // Partial Fisher–Yates: the first perStep of a seeded shuffle.
    const idx = chosen.map((_, i) => i);
    for (let i = 0; i < perStep; i++) {
      const j = i + Math.floor(rng.next() * (idx.length - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    chosen = idx.slice(0, perStep).map((i) => neg.pairs[i]);
  }
  const gather = (side: 'video' | 'audio'): Float32Array => {
    const size = chosen[0][side].segments.window * chosen[0][side].segments.D;
    const out = new Float32Array(chosen.length * size);
    chosen.forEach((p, i) => out.set(p[side].segments.data.subarray(0, size), i * size));
    return out;
  };
  return { n: chosen.length, video: gather('video'), audio: gather('audio') };
}

/**
 * The hinge above, averaged over the rejected pairs: `evNeg`/`eaNeg` [n, d] the rejected pairs'
 * video and music embeddings (unit rows), `eaBatch` [B, d] the batch's music embeddings.
 */
export function hardNegativeTerm(evNeg: tf.Tensor2D, eaNeg: tf.Tensor2D, eaBatch: tf.Tensor2D, margin: number): tf.Scalar {
  return tf.tidy(() => {
    const own = tf.sum(tf.mul(evNeg, eaNeg), 1);
    const typical = tf.mean(tf.matMul(evNeg, eaBatch, false, true), 1);
    return tf.mean(tf.relu(tf.add(tf.sub(own, typical), margin))) as tf.Scalar;
  });
}
