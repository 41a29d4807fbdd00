/**
 * Polyak averaging of the weights (an exponential moving average). With a few hundred pairs one
 * step's weights swing from batch to batch; their average sits nearer the flat middle of the basin,
 * which is what generalises, so the average is what validation scores and what is kept.
 */
import type { DualEncoder, NamedWeights } from '../encoders/encoder';
import { copyWeights, currentWeights, type DualWeights } from './weights';

/** Decay for update number `t`: short memory at first, so the average is not stuck at the initial weights. */
export const emaDecay = (decay: number, t: number): number => Math.min(decay, (1 + t) / (10 + t));

/** shadow ← d·shadow + (1 − d)·current, in place, for every weight (the fixed standardiser averages to itself). */
export function updateAverage(shadow: NamedWeights, current: NamedWeights, d: number): void {
  for (const [name, w] of Object.entries(current)) {
    const s = shadow[name].data;
    for (let i = 0; i < s.length; i++) s[i] = d * s[i] + (1 - d) * w.data[i];
  }
}

export class WeightAverage {
  /** The running average; replaced wholesale when a checkpoint is resumed. */
  weights: DualWeights;

  /** Starts at the encoders' current weights; `decay` in (0, 1). */
  constructor(
    dual: DualEncoder,
    private readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new RangeError(`ema decay must be in (0, 1), got ${decay}`);
    this.weights = currentWeights(dual);
  }

  /** Fold in the encoders' weights after optimiser step number `step` (0-based). */
  update(dual: DualEncoder, step: number): void {
    const d = emaDecay(this.decay, step);
    updateAverage(this.weights.video, dual.video.getWeights(), d);
    updateAverage(this.weights.audio, dual.audio.getWeights(), d);
  }

  copy(): DualWeights {
    return copyWeights(this.weights);
  }
}
