import { NeedledropError } from '../errors';
import type { RowFile } from './row-file';
import type { TrackId, SearchTrackInfo, TrackSegments } from './types';

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

/** The normalised mean of `count` rows of dim d (a track vector), written into `out`. */
export function meanRow(rows: Float32Array, count: number, d: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (let r = 0; r < count; r++) {
    const base = r * d;
    for (let x = 0; x < d; x++) out[x] += rows[base + x];
  }
  return normalizeInPlace(out);
}

/** A track's segment count, after checking its id, that its embeddings are whole rows and that it has one start time per row. */
export function checkedRowCount(track: Pick<TrackSegments, 'id' | 'embeddings' | 'starts'>, d: number): number {
  const { id, embeddings, starts } = track;
  if (!Number.isSafeInteger(id) || id < 0) throw internal(`track id must be a non-negative integer, got ${id}`);
  const count = embeddings.length / d;
  if (!Number.isInteger(count) || count === 0) {
    throw internal(`track ${id}: ${embeddings.length} embedding values is not a positive multiple of dim ${d}`);
  }
  if (starts.length !== count) throw internal(`track ${id}: ${starts.length} start times for ${count} segments`);
  return count;
}

/** What a store on disk is opened from (segment-index.ts): per track, in slot order. */
export interface StoreLayout {
  ids: ArrayLike<TrackId>;
  counts: ArrayLike<number>;
  /** Start time of every row (segmentCount values, tracks back to back). */
  starts: Float32Array;
  /** Track vectors, trackCount × dim. */
  vectors: Float32Array;
}

/** Reads full-precision rows by row number: the store (in memory or on disk) to the aligner. */
export interface SegmentRows {
  readonly dim: number;
  /** Rows [first, first + count) as a view when they are in memory, else null. */
  rowView(first: number, count: number): Float32Array | null;
  /** Copy rows [first, first + count) into the start of `into`. */
  readRows(first: number, count: number, into: Float32Array): void;
}

/**
 * All segment embeddings of a library in one row-major Float32Array (N × dim), each track a
 * contiguous run of rows, plus one track-level vector per track (normalised mean of its
 * segments) for the prefilter and for curation.
 *
 * Or, opened with `SegmentStore.onDisk`, the same store whose rows stay in a RowFile (a library
 * of ten million segments is 5 GB of f32): everything else stays in memory; it is read-only
 * (the segment index is rebuilt when the catalog changes) and `rows()` is not available.
 *
 * Tracks live in dense "slots" (0..trackCount-1, insertion order) so hot loops index plain
 * arrays; removing a track compacts rows and slots, so slots are only stable between changes
 * (watch `version`).
 */
export class SegmentStore implements SegmentRows {
  readonly dim: number;
  private readonly blockRows: number;
  private data: Float32Array;
  private vectors: Float32Array;
  private rowsUsed = 0;
  private readonly ids: TrackId[] = [];
  private readonly firsts: number[] = [];
  private readonly counts: number[] = [];
  private readonly startTimes: Float64Array[] = [];
  private readonly infos: SearchTrackInfo[] = [];
  private readonly generations: number[] = [];
  private readonly slots = new Map<TrackId, number>();
  private changes = 0;
  private file: RowFile | null = null;
  /** On disk: every row's start time in one array (no per-track copies: 55k of them slowed the open by ~0.6 s at 10M segments). */
  private diskStarts: Float32Array | null = null;

  /** `blockRows`: the row buffer grows by whole blocks (at least ×1.5) so appends stay amortised O(1). */
  constructor(dim = 128, opts: { blockRows?: number } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw internal(`segment dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.blockRows = Math.max(1, opts.blockRows ?? 65_536);
    this.data = new Float32Array(0);
    this.vectors = new Float32Array(0);
  }

  /**
   * A store whose rows live in `file` (read-only). `info(id)` gives each track's summary and mood
   * (the catalog's, not stored with the rows).
   */
  static onDisk(file: RowFile, layout: StoreLayout, info: (id: TrackId) => SearchTrackInfo): SegmentStore {
    const store = new SegmentStore(file.dim);
    const d = file.dim;
    const tracks = layout.ids.length;
    if (layout.counts.length !== tracks || layout.vectors.length !== tracks * d) {
      throw internal(`${file.path}: layout of ${tracks} tracks has ${layout.counts.length} counts and ${layout.vectors.length / d} vectors`);
    }
    let first = 0;
    for (let slot = 0; slot < tracks; slot++) {
      const id = layout.ids[slot];
      const count = layout.counts[slot];
      store.ids.push(id);
      store.firsts.push(first);
      store.counts.push(count);
      store.infos.push(info(id));
      store.generations.push(0);
      store.slots.set(id, slot);
      first += count;
    }
    if (first !== file.rows || layout.starts.length !== first) {
      throw internal(`${file.path}: ${file.rows} rows but the layout counts ${first} and has ${layout.starts.length} start times`);
    }
    store.vectors = layout.vectors;
    store.diskStarts = layout.starts;
    store.rowsUsed = first;
    store.file = file;
    store.changes = 1;
    return store;
  }

  /** Whether the rows are in a file (read them with readRows) rather than in memory. */
  get onDisk(): boolean {
    return this.file !== null;
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

  startsAt(slot: number): Float64Array | Float32Array {
    return this.diskStarts ? this.diskStarts.subarray(this.firsts[slot], this.firsts[slot] + this.counts[slot]) : this.startTimes[slot];
  }

  /** Store version at which the track in this slot was added: tells a re-added id from the old one. */
  generationAt(slot: number): number {
    return this.generations[slot];
  }

  infoAt(slot: number): SearchTrackInfo {
    return this.infos[slot];
  }

  info(id: TrackId): SearchTrackInfo {
    return this.infos[this.requireSlot(id)];
  }

  /** Used rows (segmentCount × dim), a view: valid until the next change. In memory only. */
  rows(): Float32Array {
    if (this.file) throw internal(`the segment rows are on disk (${this.file.path}): read them with readRows`);
    return this.data.subarray(0, this.rowsUsed * this.dim);
  }

  rowView(first: number, count: number): Float32Array | null {
    return this.file ? null : this.data.subarray(first * this.dim, (first + count) * this.dim);
  }

  readRows(first: number, count: number, into: Float32Array): void {
    if (this.file) this.file.read(first, count, into);
    else into.set(this.data.subarray(first * this.dim, (first + count) * this.dim));
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
    this.requireInMemory();
    const count = checkedRowCount(track, d);
    if (this.slots.has(id)) throw internal(`track ${id} is already in the segment store`);

    this.ensureRows(this.rowsUsed + count);
    this.ensureTracks(this.ids.length + 1);
    const first = this.rowsUsed;
    this.data.set(embeddings, first * d);
    this.rowsUsed += count;

    const slot = this.ids.length;
    meanRow(embeddings, count, d, this.vectors.subarray(slot * d, (slot + 1) * d));

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
    this.requireInMemory();
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

  private requireInMemory(): void {
    if (this.file) throw internal(`the segment store on disk (${this.file.path}) is read-only: rebuild the segment index instead`);
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
