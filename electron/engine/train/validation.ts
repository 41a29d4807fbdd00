import type { DualEncoder } from '../encoders/encoder';
import { rankReferences, retrievalFromEmbeddings, similarityMatrix } from '../metric/retrieval';
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
 * What model selection scores on the validation split. Recall@10 needs more than 10 items to rank:
 * on 10 or fewer every model finds every pair in its top 10 (R@10 = 1 from the first validation),
 * so nothing could improve on the first step checked (review S3: a fine-tune on 3 held-out windows
 * kept its step-30 weights and stopped at 150). There the mean reciprocal rank of each clip's own
 * track is scored instead: it moves with every rank gained.
 */
export type ValidationMetric = 'R@10' | 'MRR';

export const validationMetricFor = (items: number): ValidationMetric => (items > 10 ? 'R@10' : 'MRR');

/** Video→music mean reciprocal rank of each clip's own track (cosine, ties ranked as the retrieval metrics rank them). */
export function validationMrr(dual: DualEncoder, val: PairSample[]): number {
  const { video, audio, d } = clipLevelEmbeddings(dual, val);
  const n = val.length;
  const sim = similarityMatrix(video, audio, d, 'cosine');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 1 / (rankReferences(sim, i * n, n).indexOf(i) + 1);
  return n > 0 ? sum / n : 0;
}

/** The validation score of the current weights in `metric`. */
export const validationScore = (dual: DualEncoder, val: PairSample[], metric: ValidationMetric): number => (metric === 'R@10' ? validationRecall10(dual, val) : validationMrr(dual, val));

/**
 * The validation score (validationMetricFor the split's size) of `scored` weights (the average, when
 * averaging) in place of the current ones, which are put back afterwards: training goes on from the
 * raw weights. Null scores the current weights.
 */
export function validateWeights(dual: DualEncoder, val: PairSample[], scored: DualWeights | null): number {
  const metric = validationMetricFor(val.length);
  if (!scored) return validationScore(dual, val, metric);
  const raw = currentWeights(dual);
  loadWeights(dual, scored);
  try {
    return validationScore(dual, val, metric);
  } finally {
    loadWeights(dual, raw);
  }
}

export interface BestValidation {
  step: number;
  /** The best validation score, in the run's ValidationMetric (R@10 unless the split has 10 items or fewer). */
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
