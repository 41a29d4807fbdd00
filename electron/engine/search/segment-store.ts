import { NeedledropError } from '../errors';
import type { TrackId, TrackInfo, TrackSegments } from './types';

function internal(message: string): NeedledropError {
  return new NeedledropError('internal', message);
}

/** Normalise `v` in place; a zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let x = 0; x < v.length; x++) s += v[x] * v[x];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let x = 0; x < v.length; x++) v[x] *= inv;
  }
  return v;
}

/**
 * All segment embeddings of a library in one row-major Float32Array (N × dim), each track a
 * contiguous run of rows, plus one track-level vector per track (normalised mean of its
 * segments) for the prefilter and for curation.
 *
 * Tracks live in dense "slots" (0..trackCount-1, insertion order) so hot loops index plain
 * arrays; removing a track compacts rows and slots, so slots are only stable between changes
 * (watch `version`).
 */
export class SegmentStore {
  readonly dim: number;
  private readonly blockRows: number;
  private data: Float32Array;
  private vectors: Float32Array;
  private rowsUsed = 0;
  private readonly ids: TrackId[] = [];
  private readonly firsts: number[] = [];
  private readonly counts: number[] = [];
  private readonly startTimes: Float64Array[] = [];
  private readonly infos: TrackInfo[] = [];
  private readonly generations: number[] = [];
  private readonly slots = new Map<TrackId, number>();
  private changes = 0;

  /** `blockRows`: the row buffer grows by whole blocks (at least ×1.5) so appends stay amortised O(1). */
  constructor(dim = 128, opts: { blockRows?: number } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw internal(`segment dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.blockRows = Math.max(1, opts.blockRows ?? 65_536);
    this.data = new Float32Array(0);
    this.vectors = new Float32Array(0);
  }

  get segmentCount(): number {
    return this.rowsUsed;
  }

  get trackCount(): number {
    return this.ids.length;
  }

  /** Bumped on every add/remove so derived structures (ANN index) know to resync. */
  get version(): number {
    return this.changes;
  }

  has(id: TrackId): boolean {
    return this.slots.has(id);
  }

  trackIds(): TrackId[] {
    return this.ids.slice();
  }

  /** Slot of a track, or -1. */
  slotOf(id: TrackId): number {
    return this.slots.get(id) ?? -1;
  }

  idAt(slot: number): TrackId {
    return this.ids[slot];
  }

  firstRow(slot: number): number {
    return this.firsts[slot];
  }

  rowCount(slot: number): number {
    return this.counts[slot];
  }

  startsAt(slot: number): Float64Array {
    return this.startTimes[slot];
  }

  /** Store version at which the track in this slot was added: tells a re-added id from the old one. */
  generationAt(slot: number): number {
    return this.generations[slot];
  }

  infoAt(slot: number): TrackInfo {
    return this.infos[slot];
  }

  info(id: TrackId): TrackInfo {
    return this.infos[this.requireSlot(id)];
  }

  /** Used rows (segmentCount × dim), a view: valid until the next change. */
  rows(): Float32Array {
    return this.data.subarray(0, this.rowsUsed * this.dim);
  }

  /** Track-level vectors (trackCount × dim, slot order), a view: valid until the next change. */
  trackVectors(): Float32Array {
    return this.vectors.subarray(0, this.ids.length * this.dim);
  }

  trackVector(id: TrackId): Float32Array {
    const slot = this.requireSlot(id);
    return this.vectors.subarray(slot * this.dim, (slot + 1) * this.dim);
  }

  requireSlot(id: TrackId): number {
    const slot = this.slots.get(id);
    if (slot === undefined) throw internal(`track ${id} is not in the segment store`);
    return slot;
  }

  addTrack(track: TrackSegments): void {
    const { id, embeddings, starts } = track;
    const d = this.dim;
    if (!Number.isSafeInteger(id) || id < 0) throw internal(`track id must be a non-negative integer, got ${id}`);
    if (this.slots.has(id)) throw internal(`track ${id} is already in the segment store`);
    const count = embeddings.length / d;
    if (!Number.isInteger(count) || count === 0) {
      throw internal(`track ${id}: ${embeddings.length} embedding values is not a positive multiple of dim ${d}`);
    }
    if (starts.length !== count) throw internal(`track ${id}: ${starts.length} start times for ${count} segments`);

    this.ensureRows(this.rowsUsed + count);
    this.ensureTracks(this.ids.length + 1);
    const first = this.rowsUsed;
    this.data.set(embeddings, first * d);
    this.rowsUsed += count;

    const slot = this.ids.length;
    const mean = this.vectors.subarray(slot * d, (slot + 1) * d);
    mean.fill(0);
    for (let r = 0; r < count; r++) {
      const base = r * d;
      for (let x = 0; x < d; x++) mean[x] += embeddings[base + x];
    }
    normalizeInPlace(mean);

    this.ids.push(id);
    this.firsts.push(first);
    this.counts.push(count);
    this.startTimes.push(Float64Array.from(starts));
    this.infos.push({ summary: track.summary, mood: track.mood });
    this.generations.push(this.changes);
    this.slots.set(id, slot);
    this.changes++;
  }

  /** Remove a track and compact the rows after it; false when it was not there. */
  removeTrack(id: TrackId): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const d = this.dim;
    const first = this.firsts[slot];
    const count = this.counts[slot];
    this.data.copyWithin(first * d, (first + count) * d, this.rowsUsed * d);
    this.rowsUsed -= count;
    this.vectors.copyWithin(slot * d, (slot + 1) * d, this.ids.length * d);

    this.ids.splice(slot, 1);
    this.firsts.splice(slot, 1);
    this.counts.splice(slot, 1);
    this.startTimes.splice(slot, 1);
    this.infos.splice(slot, 1);
    this.generations.splice(slot, 1);
    this.slots.delete(id);
    for (let s = slot; s < this.ids.length; s++) {
      this.firsts[s] -= count;
      this.slots.set(this.ids[s], s);
    }
    this.changes++;
    return true;
  }

  private ensureRows(rows: number): void {
    const capacity = this.data.length / this.dim;
    if (rows <= capacity) return;
    const wanted = Math.max(rows, Math.ceil(capacity * 1.5));
    const next = new Float32Array(Math.ceil(wanted / this.blockRows) * this.blockRows * this.dim);
    next.set(this.rows());
    this.data = next;
  }

  private ensureTracks(tracks: number): void {
    const capacity = this.vectors.length / this.dim;
    if (tracks <= capacity) return;
    const next = new Float32Array(Math.max(tracks, Math.ceil(capacity * 1.5), 64) * this.dim);
    next.set(this.trackVectors());
    this.vectors = next;
  }
}
