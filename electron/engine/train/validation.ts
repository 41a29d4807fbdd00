import type { DualEncoder } from '../encoders/encoder';
import { retrievalFromEmbeddings } from '../metric/retrieval';
import type { PairSample } from './dataset';
import { embedSegmentsTf, meanVector, stack } from './embed';
import { currentWeights, loadWeights, type DualWeights } from './weights';

/** Clip-level retrieval on a split: video→music Recall@K etc. with one mean vector per clip and per track. */
export function clipLevelEmbeddings(dual: DualEncoder, items: PairSample[]): { video: Float32Array; audio: Float32Array; d: number } {
  const d = dual.video.config.outDim;
  const video = stack(items.map((p) => meanVector(embedSegmentsTf(dual.video, p.video.segments), d)), d);
  const audio = stack(items.map((p) => meanVector(embedSegmentsTf(dual.audio, p.audio.segments), d)), d);
  return { video, audio, d };
}

/** Video→music Recall@10 of the encoders' current weights, each pair's own track being the one to find. */
export function validationRecall10(dual: DualEncoder, val: PairSample[]): number {
  const { video, audio, d } = clipLevelEmbeddings(dual, val);
  const labels = Int32Array.from(val, (_, i) => i);
  return retrievalFromEmbeddings(video, labels, audio, labels, d, { ks: [10] }).recallAtK[10];
}

/**
 * Recall@10 of `scored` weights (the average, when averaging) in place of the current ones, which are
 * put back afterwards: training goes on from the raw weights. Null scores the current weights.
 */
export function validateWeights(dual: DualEncoder, val: PairSample[], scored: DualWeights | null): number {
  if (!scored) return validationRecall10(dual, val);
  const raw = currentWeights(dual);
  loadWeights(dual, scored);
  try {
    return validationRecall10(dual, val);
  } finally {
    loadWeights(dual, raw);
  }
}

export interface BestValidation {
  step: number;
  recall: number;
  weights: DualWeights | null;
}

/** Model selection and early stopping: the best validation so far, and how many validations since. */
export class EarlyStopping {
  best: BestValidation = { step: 0, recall: -1, weights: null };
  sinceBest = 0;

  constructor(private readonly patience: number) {}

  /** Continue from a checkpoint's record. */
  restore(best: BestValidation, sinceBest: number): void {
    this.best = best;
    this.sinceBest = sinceBest;
  }

  /** Record a validation; `kept` is called (for a copy of the weights) only when it improves. */
  record(step: number, recall: number, kept: () => DualWeights): void {
    if (recall > this.best.recall) {
      this.best = { step, recall, weights: kept() };
      this.sinceBest = 0;
    } else this.sinceBest++;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.patience;
  }
}
