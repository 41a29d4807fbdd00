/**
 * Truths about what early stopping kept, derived outside the trainer (tests of the trainer's
 * `onValidated` and of round 6's prefixes): the running best of the recalls the progress events
 * carry, and the validation recall of a set of weights rescored in a fresh encoder.
 */
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import type { TrainingData } from '../../../electron/engine/train/dataset';
import type { TrainProgress } from '../../../electron/engine/train/trainer';
import { validationRecall10 } from '../../../electron/engine/train/validation';
import type { DualWeights } from '../../../electron/engine/train/weights';

/** Synthetic data noisy enough that the best validation moves several times and some validations do not improve it. */
export const NOISY = { noise: 0.6, counts: { train: 48, val: 24, test: 8 } };

/** The validation early stopping keeps by `step`: the first of the highest recalls at or before it (ties keep the earlier step). */
export function bestValidationBy(events: readonly TrainProgress[], step: number): { step: number; recall: number } {
  let best = { step: 0, recall: -Infinity };
  for (const e of events) if (e.valRecall10 !== undefined && e.step <= step && e.valRecall10 > best.recall) best = { step: e.step, recall: e.valRecall10 };
  return best;
}

/** Validation Recall@10 of `weights`, loaded into a fresh encoder of the trained shape. */
export function rescoredValRecall(data: TrainingData, config: { hidden: number; outDim: number; convLayers: 1 | 2 }, weights: DualWeights): number {
  const fresh = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: 0 });
  try {
    fresh.video.setWeights(weights.video);
    fresh.audio.setWeights(weights.audio);
    return validationRecall10(
      fresh,
      data.pairs.filter((p) => p.split === 'val'),
    );
  } finally {
    fresh.video.dispose();
    fresh.audio.dispose();
  }
}
