import type { DualEncoder, NamedWeights } from '../encoders/encoder';

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
