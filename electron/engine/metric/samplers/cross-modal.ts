import { usageError } from '../../errors';
import { createRng, shuffleInPlace, type Rng } from '../../util/prng';

/** A video segment and the music segment that goes with it. */
export interface SegmentPair {
  /** The clip the video segment comes from. */
  videoSource: string | number;
  /** The track the music segment comes from. */
  musicSource: string | number;
  /** Pairs with the same group are positives of each other (e.g. segments of one edit); default: the pair alone. */
  group?: string | number;
}

export interface CrossModalBatch {
  /** Indices into the pairs. */
  indices: number[];
  /** Label of each pair in the batch (0-based group ids local to the batch): the loss labels. */
  labels: Int32Array;
}

export interface CrossModalSamplerOptions {
  batchSize: number;
  seed: number;
  /** Drop the batches that could not be filled (default false). */
  dropLast?: boolean;
}

interface OpenBatch {
  indices: number[];
  video: Map<string, string>;
  music: Map<string, string>;
}

/**
 * Batches of pairs in which no clip and no track appears twice unless both appearances are positives of
 * each other (same group): every other reference in the batch is a true negative for a query.
 * Each epoch is a fresh deterministic shuffle; pairs go first-fit into the open batches.
 */
export class CrossModalBatchSampler {
  private readonly rng: Rng;

  constructor(
    private readonly pairs: readonly SegmentPair[],
    private readonly options: CrossModalSamplerOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 2) throw usageError('cross-modal sampler: batchSize must be an integer ≥ 2');
    this.rng = createRng(options.seed);
  }

  epoch(): CrossModalBatch[] {
    const order = shuffleInPlace(
      this.pairs.map((_, i) => i),
      this.rng,
    );
    const open: OpenBatch[] = [];
    const done: number[][] = [];
    for (const i of order) {
      const pair = this.pairs[i];
      const group = groupKey(pair, i);
      const video = String(pair.videoSource);
      const music = String(pair.musicSource);
      const fits = (b: OpenBatch): boolean => (b.video.get(video) ?? group) === group && (b.music.get(music) ?? group) === group;
      let slot = open.findIndex(fits);
      if (slot < 0) {
        open.push({ indices: [], video: new Map(), music: new Map() });
        slot = open.length - 1;
      }
      const batch = open[slot];
      batch.indices.push(i);
      batch.video.set(video, group);
      batch.music.set(music, group);
      if (batch.indices.length === this.options.batchSize) {
        done.push(batch.indices);
        open.splice(slot, 1);
      }
    }
    if (!this.options.dropLast) for (const b of open) if (b.indices.length > 0) done.push(b.indices);
    return done.map((indices) => ({ indices, labels: this.labelsOf(indices) }));
  }

  private labelsOf(indices: number[]): Int32Array {
    const ids = new Map<string, number>();
    return Int32Array.from(indices, (i) => {
      const key = groupKey(this.pairs[i], i);
      if (!ids.has(key)) ids.set(key, ids.size);
      return ids.get(key) as number;
    });
  }
}

/** A pair without a group is a group of its own. */
function groupKey(pair: SegmentPair, index: number): string {
  return pair.group === undefined ? `#${index}` : `g${String(pair.group)}`;
}
