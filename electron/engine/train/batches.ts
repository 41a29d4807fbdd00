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

/**
 * Whether any training batch can hold a negative: pairs of two classes side by side. The sampler
 * never puts a clip or a track of one class beside another class's pairs, so two classes meet only
 * in pairs that share neither clip nor track. With none, every batch is of one class, its items all
 * each other's positives, and InfoNCE is exactly 0 at every step (review R1.2: three clips accepted
 * with the same track trained on nothing and saved a copy of the parent). Classes as fine-tuning
 * sets them (classId: one per clip).
 */
export function batchesCanHoldNegatives(train: readonly PairSample[]): boolean {
  // Distinct (class, clip, track) triples: a clip's windows are many, its tracks few.
  const triples = new Map<string, { classId: number; clip: string; track: string }>();
  for (const p of train) {
    const track = p.musicSource ?? p.id;
    triples.set(`${p.classId}\0${p.id}\0${track}`, { classId: p.classId, clip: p.id, track });
  }
  const list = [...triples.values()];
  return list.some((a, i) => list.slice(i + 1).some((b) => b.classId !== a.classId && b.clip !== a.clip && b.track !== a.track));
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
