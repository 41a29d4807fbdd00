import type * as tf from '@tensorflow/tfjs';
import { weightShapes, type DualEncoder, type Encoder, type NamedWeights } from '../encoders/encoder';

/** Both towers' weights, as plain typed arrays (what is kept, averaged, checkpointed and exported). */
export interface DualWeights {
  video: NamedWeights;
  audio: NamedWeights;
}

/** A copy of the encoders' current weights. */
export const currentWeights = (dual: DualEncoder): DualWeights => ({ video: dual.video.getWeights(), audio: dual.audio.getWeights() });

export function loadWeights(dual: DualEncoder, weights: DualWeights): void {
  dual.video.setWeights(weights.video);
  dual.audio.setWeights(weights.audio);
}

const copyNamed = (w: NamedWeights): NamedWeights => Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.data) }]));

export const copyWeights = (w: DualWeights): DualWeights => ({ video: copyNamed(w.video), audio: copyNamed(w.audio) });

/**
 * The projection heads' variables (proj1, proj2): what heads-only fine-tuning trains while the
 * temporal convolutions stay frozen. `variables` follows weightShapes' order without the standardiser.
 */
export function headVariables(encoder: Encoder): tf.Variable[] {
  const names = weightShapes(encoder.config)
    .map(([n]) => n)
    .filter((n) => !n.startsWith('standardise.'));
  return encoder.variables.filter((_, i) => names[i].startsWith('proj'));
}
