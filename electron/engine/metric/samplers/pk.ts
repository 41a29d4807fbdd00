import { usageError } from '../../errors';
import { createRng, shuffleInPlace, type Rng } from '../../util/prng';
import type { Labels } from '../tuples';

export interface PKSamplerOptions {
  /** P: distinct classes per batch. */
  classesPerBatch: number;
  /** K: samples per class (drawn with replacement when a class has fewer). */
  samplesPerClass: number;
  seed: number;
}

/**
 * P×K class sampler (Hermans et al. 2017): every batch holds P distinct classes with K samples each.
 * Classes are visited in a reshuffled round-robin so all of them appear before any repeats.
 */
export class PKSampler {
  private readonly byClass: number[][];
  private readonly rng: Rng;
  private queue: number[] = [];

  constructor(
    labels: Labels,
    private readonly options: PKSamplerOptions,
  ) {
    const { classesPerBatch: p, samplesPerClass: k } = options;
    if (!Number.isInteger(p) || p < 1 || !Number.isInteger(k) || k < 1) throw usageError('P×K sampler: P and K must be positive integers');
    const groups = new Map<number, number[]>();
    for (let i = 0; i < labels.length; i++) {
      const list = groups.get(labels[i]);
      if (list) list.push(i);
      else groups.set(labels[i], [i]);
    }
    // Sorted by label so the same labels give the same batches whatever their order of appearance.
    this.byClass = [...groups.entries()].sort((x, y) => x[0] - y[0]).map(([, list]) => list);
    if (p > this.byClass.length) throw usageError(`P×K sampler: P = ${p} but only ${this.byClass.length} classes`);
    this.rng = createRng(options.seed);
  }

  /** Batches in one epoch: enough to draw about every sample once. */
  get batchesPerEpoch(): number {
    const total = this.byClass.reduce((s, c) => s + c.length, 0);
    return Math.max(1, Math.floor(total / (this.options.classesPerBatch * this.options.samplesPerClass)));
  }

  /** Indices of the next batch (P·K of them, grouped by class). */
  next(): number[] {
    const { classesPerBatch: p, samplesPerClass: k } = this.options;
    const chosen: number[] = [];
    while (chosen.length < p) {
      if (this.queue.length === 0) this.queue = shuffleInPlace(this.byClass.map((_, i) => i), this.rng);
      const c = this.queue.shift() as number;
      if (chosen.includes(c)) {
        this.queue.push(c);
        continue;
      }
      chosen.push(c);
    }
    const batch: number[] = [];
    for (const c of chosen) {
      const members = this.byClass[c];
      if (members.length >= k) batch.push(...shuffleInPlace([...members], this.rng).slice(0, k));
      else for (let i = 0; i < k; i++) batch.push(members[this.rng.int(members.length)]);
    }
    return batch;
  }

  epoch(): number[][] {
    return Array.from({ length: this.batchesPerEpoch }, () => this.next());
  }
}
