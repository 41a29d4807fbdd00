import type { DualEncoder } from '../encoders/encoder';
import type { PairSample } from './dataset';
import { embedSegmentsTf } from './embed';
import { meanVector, stack } from './vectors';
import { musicSources, sourceRetrieval } from './eval';
import { currentWeights, loadWeights, type DualWeights } from './weights';

/** Clip-level retrieval on a split: video→music Recall@K etc. with one mean vector per clip and per track. */
export function clipLevelEmbeddings(dual: DualEncoder, items: PairSample[]): { video: Float32Array; audio: Float32Array; d: number } {
  const d = dual.video.config.outDim;
  const video = stack(items.map((p) => meanVector(embedSegmentsTf(dual.video, p.video.segments), d)), d);
  const audio = stack(items.map((p) => meanVector(embedSegmentsTf(dual.audio, p.audio.segments), d)), d);
  return { video, audio, d };
}

/**
 * Video→music Recall@10 of the encoders' current weights: each window's own source's music being the
 * one to find, among one music entry per source (eval.ts sourceRetrieval; on a corpus, each pair's own track).
 */
export function validationRecall10(dual: DualEncoder, val: PairSample[]): number {
  const { video, audio, d } = clipLevelEmbeddings(dual, val);
  return sourceRetrieval(video, audio, d, val).videoToMusic.recall10;
}

/**
 * What model selection scores on the validation split. Recall@10 needs more than 10 items to rank:
 * on 10 or fewer every model finds every pair in its top 10 (R@10 = 1 from the first validation),
 * so nothing could improve on the first step checked (review S3: a fine-tune on 3 held-out windows
 * kept its step-30 weights and stopped at 150). There the mean reciprocal rank of each clip's own
 * track is scored instead, and since on a few items it moves rarely (3 windows: the same 0.611 from
 * step 30 to 150), equal MRRs are told apart by the margin: how far, in cosine, each clip's own
 * track stands above the others, on average. Above 10 items, R@10 alone, as before (the recorded
 * loss benches select that way).
 */
export type ValidationMetric = 'R@10' | 'MRR' | 'none';

export const validationMetricFor = (items: number): ValidationMetric => (items > 10 ? 'R@10' : 'MRR');

/** The classes among `items`: under class positives, the sources they come from (a fine-tune's videos and judged clips). */
export const classCount = (items: readonly PairSample[]): number => new Set(items.map((p) => p.classId)).size;

/**
 * What a run selects its kept step on: 'none' when the validation items cannot be told apart —
 * a single item, or under class positives a single class (a fine-tune whose held-out windows all
 * come from one video: they are each other's positives, and each one's "own" track is the same
 * music as the others', so MRR and margin sit at chance, 0.611 and 0.000 on shared/media/video).
 * Then nothing is validated: the whole schedule runs and its last step is kept.
 */
export function validationMetricOf(val: readonly PairSample[], positives: 'pair' | 'mood'): ValidationMetric {
  const sources = positives === 'mood' ? classCount(val) : val.length;
  // Ranked against one music entry per source (sourceRetrieval): the gallery is the music sources.
  return sources < 2 ? 'none' : validationMetricFor(musicSources(val));
}

/** A validation: the score in the run's metric, and (MRR only) the margin that breaks its ties. */
export interface ValidationScore {
  score: number;
  margin: number | null;
}

/**
 * Video→music MRR of each clip's own music (cosine, ties ranked as the retrieval metrics rank them)
 * and the mean margin: the right music's cosine minus the mean cosine to the other music (the own
 * cosine alone on a split of one). Scored by source (eval.ts sourceRetrieval), as the fine-tune's
 * before/after is: a held-out edit's windows find its soundtrack among one entry per held-out
 * source; on a corpus every pair is its own source, and this is each clip's own track among all.
 */
export function validationMrr(dual: DualEncoder, val: PairSample[]): { mrr: number; margin: number } {
  if (val.length === 0) return { mrr: 0, margin: 0 };
  const { video, audio, d } = clipLevelEmbeddings(dual, val);
  const { mrr, margin } = sourceRetrieval(video, audio, d, val).videoToMusic;
  return { mrr, margin };
}

/** The validation of the current weights in `metric`. */
export function validationScore(dual: DualEncoder, val: PairSample[], metric: ValidationMetric): ValidationScore {
  if (metric === 'R@10') return { score: validationRecall10(dual, val), margin: null };
  const { mrr, margin } = validationMrr(dual, val);
  return { score: mrr, margin };
}

/**
 * The validation (validationMetricFor the split's size) of `scored` weights (the average, when
 * averaging) in place of the current ones, which are put back afterwards: training goes on from the
 * raw weights. Null scores the current weights.
 */
export function validateWeights(dual: DualEncoder, val: PairSample[], scored: DualWeights | null): ValidationScore {
  const metric = validationMetricFor(musicSources(val));
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
  /** Its margin (MRR runs; absent in R@10 runs and in checkpoints written before it existed). */
  margin?: number | null;
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

  /**
   * Record a validation; `kept` is called (for a copy of the weights) only when it improves: a
   * higher score, or the same score with a larger margin (MRR runs). A tie otherwise keeps the earlier step.
   */
  record(step: number, recall: number, kept: () => DualWeights, margin: number | null = null): void {
    const best = this.best;
    const better = recall > best.recall || (recall === best.recall && margin !== null && best.margin != null && margin > best.margin);
    if (better) {
      this.best = { step, recall, ...(margin !== null ? { margin } : {}), weights: kept() };
      this.sinceBest = 0;
    } else this.sinceBest++;
  }

  get shouldStop(): boolean {
    return this.sinceBest >= this.patience;
  }
}
