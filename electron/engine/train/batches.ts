import { NeedledropError } from '../errors';
import { CrossModalBatchSampler, type CrossModalBatch } from '../metric/samplers/cross-modal';
import { createRng } from '../util/prng';
import { MOOD_BINS, moodClass, type PairSample } from './dataset';

/** One training batch: its pairs, their pair/mood labels and one random window per pair and side ([B, W, D]). */
export interface TrainBatch {
  items: PairSample[];
  labels: Int32Array;
  video: Float32Array;
  audio: Float32Array;
}

/**
 * The endless, seeded sequence of training batches: epochs of the cross-modal sampler, and per step a
 * window drawn from the step's own seed, so a resumed run replays the exact sequence.
 */
export class TrainBatches {
  private readonly sampler: CrossModalBatchSampler;
  private queue: CrossModalBatch[] = [];

  constructor(
    private readonly train: PairSample[],
    private readonly options: { batchSize: number; seed: number; positives: 'pair' | 'mood'; moodBins?: number },
  ) {
    // The default bins are what classId already holds for a corpus; fine-tuning data puts its own
    // classes there (one per clip, edit or judged) over a neutral latent, which must be kept.
    const group = (p: PairSample): number => (options.moodBins === undefined || options.moodBins === MOOD_BINS ? p.classId : moodClass(p.latent, options.moodBins));
    // Unfilled batches are dropped here, not by the sampler: an epoch that fills none needs them (see usable).
    this.sampler = new CrossModalBatchSampler(
      train.map((p) => ({ videoSource: p.id, musicSource: p.musicSource ?? p.id, ...(options.positives === 'mood' && { group: group(p) }) })),
      { batchSize: options.batchSize, seed: options.seed },
    );
  }

  /**
   * An epoch's full batches (what dropping the unfilled ones gives). When its pairs' constraints fill
   * none (a clip or a track in two classes never shares a batch, so a batch of every training window
   * cannot exist), the batches it formed of two pairs or more: smaller batches rather than none.
   */
  private usable(epoch: CrossModalBatch[]): CrossModalBatch[] {
    const full = epoch.filter((b) => b.indices.length === this.options.batchSize);
    if (full.length > 0) return full;
    const smaller = epoch.filter((b) => b.indices.length >= 2);
    if (smaller.length > 0) return smaller;
    throw new NeedledropError(
      'input',
      `no training batch of two pairs can be formed from these ${this.train.length} training windows: each shares its clip or its track with another class (windows of one clip or one track are never negatives of each other)`,
    );
  }

  private nextSampled(): CrossModalBatch {
    if (this.queue.length === 0) this.queue = this.usable(this.sampler.epoch());
    return this.queue.shift() as CrossModalBatch;
  }

  /** Skip the batches of the first `steps` steps (when resuming). */
  skip(steps: number): void {
    for (let s = 0; s < steps; s++) this.nextSampled();
  }

  /** The batch of step `step` (steps are taken in order). */
  next(step: number): TrainBatch {
    const batch = this.nextSampled();
    const items = batch.indices.map((i) => this.train[i]);
    const rng = createRng(this.options.seed * 1_000_003 + step);
    const video = gatherWindows(items, 'video', rng.next);
    const audio = gatherWindows(items, 'audio', rng.next);
    return { items, labels: batch.labels, video, audio };
  }
}

/** Gather one random window per pair into an encoder batch [B, W, D]. */
function gatherWindows(items: PairSample[], side: 'video' | 'audio', pick: () => number): Float32Array {
  const first = items[0][side].segments;
  const size = first.window * first.D;
  const out = new Float32Array(items.length * size);
  items.forEach((p, i) => {
    const segs = p[side].segments;
    const s = Math.floor(pick() * segs.n);
    out.set(segs.data.subarray(s * size, (s + 1) * size), i * size);
  });
  return out;
}
