/**
 * Self-supervised batches over a music library: P tracks per batch, K random crops of each
 * (the P×K class sampler with the track as the class). Two crops of one track are a positive
 * pair; crops of the other tracks in the batch are its negatives. No labels are involved.
 */
import type { FeatureSeq } from '../features/types';
import { PKSampler } from '../metric/samplers/pk';
import { createRng, type Rng } from '../util/prng';

export interface CropBatch {
  /** Per row: the index (into the sampler's tracks) of the track the crop is cut from. */
  tracks: Int32Array;
  /** Per row: the positive group (the track itself unless groups were given). */
  labels: Int32Array;
  /** Per row: the first step of the crop. */
  starts: Int32Array;
}

export interface CropSamplerOptions {
  /** P: distinct tracks per batch. */
  tracksPerBatch: number;
  /** K: crops per track (≥ 2 so every crop has a positive). */
  cropsPerTrack: number;
  /** Steps per crop. */
  window: number;
  seed: number;
}

export class TrackCropSampler {
  private readonly pk: PKSampler;
  private readonly itemTrack: Int32Array;
  private readonly rng: Rng;
  private readonly groups: Int32Array;

  /**
   * `lengths`: steps of each track. `groups` (optional, default each track its own): tracks of
   * one group are positives of each other, e.g. mutual nearest neighbours (music-space.ts).
   */
  constructor(
    private readonly lengths: readonly number[],
    private readonly options: CropSamplerOptions,
    groups?: Int32Array,
  ) {
    const { tracksPerBatch: p, cropsPerTrack: k } = options;
    if (k < 2) throw new RangeError(`crops per track must be ≥ 2 (a crop needs a positive), got ${k}`);
    if (lengths.length < p) throw new RangeError(`a batch of ${p} tracks needs at least ${p} tracks, got ${lengths.length}`);
    // K items per track, labelled by track: the P×K sampler then draws K distinct items = K crops.
    this.itemTrack = Int32Array.from({ length: lengths.length * k }, (_, i) => Math.floor(i / k));
    this.groups = groups ?? Int32Array.from(lengths, (_, i) => i);
    if (this.groups.length !== lengths.length) throw new RangeError(`${this.groups.length} groups for ${lengths.length} tracks`);
    const itemGroup = Int32Array.from(this.itemTrack, (t) => this.groups[t]);
    if (new Set(this.groups).size < p) throw new RangeError(`a batch of ${p} groups needs at least ${p} groups, got ${new Set(this.groups).size}`);
    this.pk = new PKSampler(itemGroup, { classesPerBatch: p, samplesPerClass: k, seed: options.seed });
    this.rng = createRng(options.seed ^ 0x5bd1e995);
  }

  next(): CropBatch {
    const items = this.pk.next();
    const tracks = Int32Array.from(items, (i) => this.itemTrack[i]);
    const labels = Int32Array.from(tracks, (t) => this.groups[t]);
    const starts = Int32Array.from(tracks, (t) => this.rng.int(Math.max(1, this.lengths[t] - this.options.window + 1)));
    return { tracks, labels, starts };
  }
}

/**
 * The crops of a batch as one [B, W, D] array. A track shorter than the window is padded by
 * holding its last row (as encoders/segments.ts does at inference).
 */
export function gatherCrops(seqs: readonly FeatureSeq[], batch: CropBatch, window: number): Float32Array {
  const D = seqs[0].D;
  const out = new Float32Array(batch.tracks.length * window * D);
  batch.tracks.forEach((t, row) => {
    const seq = seqs[t];
    const first = batch.starts[row];
    const available = Math.max(0, Math.min(window, seq.T - first));
    const base = row * window * D;
    out.set(seq.data.subarray(first * D, (first + available) * D), base);
    const last = seq.data.subarray((seq.T - 1) * D, seq.T * D);
    for (let r = available; r < window; r++) out.set(last, base + r * D);
  });
  return out;
}
