import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import usearch from 'usearch';
import { cancelledError, NeedledropError } from '../errors';
import type { SegmentStore } from './segment-store';
import type { SyncOptions, TrackId } from './types';
import { saveAtomic } from '../util/atomic-write';

export type { AnnBuildProgress, SyncOptions } from './types';

const { Index, MetricKind, ScalarKind, BatchMatches } = usearch;
type UsearchIndex = InstanceType<typeof Index>;
type Matches = InstanceType<typeof usearch.Matches>;
type BatchMatches = InstanceType<typeof BatchMatches>;

export interface AnnOptions {
  /** HNSW graph degree. 16 is usearch's default and enough for 128-d unit vectors. */
  connectivity?: number;
  /** Beam width while inserting: higher builds slower, gives a better graph (64: recall of planted
   *  segments stayed 100% in scripts/bench/search.ts while building faster than usearch's 128). */
  expansionAdd?: number;
  /** Beam width while searching: recall vs latency (32 halved query time against 64 with the same planted hits). */
  expansionSearch?: number;
  /** Nearest segments fetched per clip segment before voting. */
  perSegment?: number;
  /** Native threads for add/search; 0 lets usearch use every core. */
  threads?: number;
  /**
   * Index every stride-th segment of a track. A clip of m segments still hits the true track
   * with about m/stride of its segments, enough votes when m ≥ 2·stride, for stride× less
   * build time and memory (default 2). Neighbouring 8 s windows at a 1 s hop overlap 7/8, so on real
   * embeddings the skipped rows are near-duplicates of indexed ones anyway.
   */
  stride?: number;
  /**
   * Save the index to `path` after each sync and load it instead of rebuilding when a new
   * session finds it there for the same contents (HNSW inserts run at only ~1–3k rows/s here).
   * `key` should name what produced the embeddings (the model version); the saved index is
   * used only when key, options and a hash of the store's ids, counts and rows all match,
   * otherwise it is rebuilt and overwritten: a stale index is never used.
   */
  cache?: { path: string; key?: string };
}

/** What the last sync did: loaded a saved index, built (or updated) one, or found it current. */
export type AnnSyncSource = 'loaded' | 'built' | 'current';

export interface AnnCandidate {
  trackId: TrackId;
  /** Sum over clip segments of the best hit similarity in this track. */
  vote: number;
  /** Window starts (track segment − clip segment) proposed by the hits; may be out of range. */
  starts: number[];
}

/** Segment keys are trackId · 2^16 + segment index: a track may hold up to 65 536 segments (18 h). */
const SEGMENT_BITS = 16n;
const SEGMENT_MASK = (1n << SEGMENT_BITS) - 1n;
const MAX_SEGMENTS = 1 << 16;
const MAX_TRACK_ID = 2 ** 47;

function segmentKey(id: TrackId, segment: number): bigint {
  return (BigInt(id) << SEGMENT_BITS) | BigInt(segment);
}

/** Which file is at `path` (a rename or rewrite gives another inode, size or time); records before it had none. */
function fileIdentity(path: string): { ino: number; size: number; mtimeMs: number } {
  const st = statSync(path);
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Approximate nearest-segment index (usearch HNSW, inner product on unit f32 rows = cosine)
 * whose keys say which track and segment a row is. (usearch's "multi" mode, one key per
 * track, measured 2–3× slower to build here, so keys are unique per segment.)
 */
export class SegmentAnn {
  private readonly index: UsearchIndex;
  private readonly opts: Required<Omit<AnnOptions, 'cache'>>;
  private readonly cache: AnnOptions['cache'];
  /** What the last completed sync did (null before the first). */
  lastSync: AnnSyncSource | null = null;
  /** Track id → store generation it was indexed at and its segment count then. */
  private readonly indexed = new Map<TrackId, { generation: number; count: number }>();
  private syncedVersion = -1;

  constructor(
    readonly dim: number,
    opts: AnnOptions = {},
  ) {
    this.opts = {
      connectivity: opts.connectivity ?? 16,
      expansionAdd: opts.expansionAdd ?? 64,
      expansionSearch: opts.expansionSearch ?? 32,
      perSegment: opts.perSegment ?? 16,
      threads: opts.threads ?? 0,
      stride: Math.max(1, Math.floor(opts.stride ?? 2)),
    };
    this.cache = opts.cache;
    this.index = new Index({
      dimensions: dim,
      metric: MetricKind.IP,
      quantization: ScalarKind.F32,
      connectivity: this.opts.connectivity,
      expansion_add: this.opts.expansionAdd,
      expansion_search: this.opts.expansionSearch,
      multi: false,
    });
  }

  /** Indexed segment rows. */
  get size(): number {
    return this.index.size();
  }

  inSync(store: SegmentStore): boolean {
    return this.syncedVersion === store.version;
  }

  /** Bring the index up to date with the store: drop removed/replaced tracks, add new ones. */
  async sync(store: SegmentStore, opts: SyncOptions = {}): Promise<void> {
    // Set only by a sync that completes: a cancelled or failed one found nothing current.
    if (this.inSync(store)) {
      this.lastSync = 'current';
      return;
    }
    const saved = this.cache && { path: this.cache.path, fingerprint: this.fingerprint(store, this.cache) };
    if (saved && this.indexed.size === 0 && this.load(saved.path, store, saved.fingerprint)) return;
    await this.update(store, opts);
    this.lastSync = 'built';
    // Saved even when the store changed during the last yield: the fingerprint was taken before
    // the update, from the rows the index now holds, so the record still matches the file.
    if (saved) this.save(saved.path, saved.fingerprint);
  }

  /**
   * Hash of everything the index content depends on: the cache key, the options that shape
   * the graph, and the store's ids, segment counts and row bytes (sha256 runs at ~1 GB/s, so
   * ~0.5 s at 1M segments against minutes of rebuilding).
   */
  private fingerprint(store: SegmentStore, cache: NonNullable<AnnOptions['cache']>): string {
    const { connectivity, expansionAdd, stride } = this.opts;
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ format: 1, key: cache.key, dim: this.dim, connectivity, expansionAdd, stride }));
    // Per slot its id and segment count.
    const shape = Float64Array.from(store.trackIds().flatMap((id, slot) => [id, store.rowCount(slot)]));
    hash.update(new Uint8Array(shape.buffer));
    const rows = store.rows();
    hash.update(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
    return hash.digest('hex');
  }

  /** Load the saved index at `path` when its fingerprint matches the store; false when absent or stale. */
  private load(path: string, store: SegmentStore, fingerprint: string): boolean {
    if (!existsSync(path) || !existsSync(metaPath(path))) return false;
    let meta: { fingerprint?: unknown; rows?: unknown; file?: unknown };
    try {
      meta = JSON.parse(readFileSync(metaPath(path), 'utf8')) as typeof meta;
    } catch {
      return false;
    }
    if (meta.fingerprint !== fingerprint) return false;
    // The record is for one file: an index saved by another writer after it (the app and the CLI
    // on one cache) is another file, and loading it under this record would serve its vectors.
    if (meta.file !== undefined && JSON.stringify(meta.file) !== JSON.stringify(fileIdentity(path))) return false;
    this.index.load(path);
    if (this.index.size() !== meta.rows) throw new NeedledropError('internal', `${path}: saved search index has ${this.index.size()} rows, its record says ${String(meta.rows)}`);
    store.trackIds().forEach((id, slot) => this.indexed.set(id, { generation: store.generationAt(slot), count: store.rowCount(slot) }));
    this.syncedVersion = store.version;
    this.lastSync = 'loaded';
    return true;
  }

  /** Remove the record, write the index, then the record: a crash in between leaves no record, so the index is rebuilt. */
  private save(path: string, fingerprint: string): void {
    rmSync(metaPath(path), { force: true });
    saveAtomic(path, (tmp) => this.index.save(tmp));
    writeFileSync(metaPath(path), JSON.stringify({ fingerprint, rows: this.index.size(), file: fileIdentity(path), savedAt: new Date().toISOString() }));
  }

  /** Drop removed/replaced tracks, add new ones. */
  private async update(store: SegmentStore, opts: SyncOptions): Promise<void> {
    const live = new Map(store.trackIds().map((id, slot) => [id, store.generationAt(slot)]));
    for (const [id, { generation, count }] of this.indexed) {
      if (live.get(id) !== generation) {
        this.index.remove(BigUint64Array.from(this.rowsOf(count), (r) => segmentKey(id, r)));
        this.indexed.delete(id);
      }
    }
    const pending: number[] = [];
    let total = 0;
    for (let slot = 0; slot < store.trackCount; slot++) {
      if (!this.indexed.has(store.idAt(slot))) {
        pending.push(slot);
        if (store.rowCount(slot) > MAX_SEGMENTS || store.idAt(slot) >= MAX_TRACK_ID) {
          throw new NeedledropError('internal', `track ${store.idAt(slot)}: id ≥ 2^47 or more than ${MAX_SEGMENTS} segments`);
        }
        total += this.rowsOf(store.rowCount(slot)).length;
      }
    }
    const version = store.version;
    const chunkRows = opts.chunkRows ?? 20_000;
    const rows = store.rows();
    const d = this.dim;
    const started = performance.now();
    let done = 0;
    let p = 0;
    while (p < pending.length) {
      if (opts.signal?.aborted) throw cancelledError('building the search index');
      // Rows are read from a view of the store taken at the start; a change while we yielded
      // may have moved them. What was added stays indexed: the next sync resumes from there.
      if (store.version !== version) throw cancelledError('search index sync (the library changed meanwhile)');
      // Tracks are contiguous in the store, but pending ones need not be: batch per run of
      // whole tracks up to chunkRows.
      const keys: bigint[] = [];
      const batch: Float32Array[] = [];
      let batchRows = 0;
      while (p < pending.length && (batchRows === 0 || batchRows + store.rowCount(pending[p]) <= chunkRows)) {
        const slot = pending[p++];
        const id = store.idAt(slot);
        const count = store.rowCount(slot);
        const first = store.firstRow(slot);
        for (const r of this.rowsOf(count)) {
          batch.push(rows.subarray((first + r) * d, (first + r + 1) * d));
          keys.push(segmentKey(id, r));
        }
        this.indexed.set(id, { generation: store.generationAt(slot), count });
        batchRows += count;
      }
      const flat = concat(batch, keys.length * d);
      this.index.add(BigUint64Array.from(keys), flat, this.opts.threads);
      done += keys.length;
      const seconds = (performance.now() - started) / 1000;
      const rate = done / Math.max(seconds, 1e-6);
      opts.onProgress?.({ done, total, rate, etaSeconds: (total - done) / rate });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.syncedVersion = version;
  }

  /**
   * Candidate tracks for a clip: each clip segment i fetches its `perSegment` nearest stored
   * segments; a track's vote is the sum over clip segments of its best hit similarity, so a
   * track matching many clip segments well outranks one matching a single segment. A hit on
   * track segment k also proposes the window start k − i (Hough-style), so the caller can
   * score a few offsets instead of every window.
   */
  candidates(clip: Float32Array, m: number, maxTracks: number, perSegment = this.opts.perSegment): AnnCandidate[] {
    // `< 1`, not `<= 0`: a fraction of a track is none either (slice would truncate it to 0).
    if (this.index.size() === 0 || maxTracks < 1) return [];
    // usearch searches with a beam of max(k, expansionSearch), so a larger k also widens the search.
    const k = Math.min(perSegment, this.index.size());
    // One flat m×d query runs as a native batch (both cores); usearch then returns BatchMatches
    // even though its typings promise Matches for a flat array.
    const found = this.index.search(clip.subarray(0, m * this.dim), k, this.opts.threads) as Matches | BatchMatches;
    const byTrack = new Map<TrackId, AnnCandidate>();
    // Per candidate, its best hit similarity for the current clip segment.
    const best = new Map<AnnCandidate, number>();
    for (let q = 0; q < m; q++) {
      const hits = found instanceof BatchMatches ? found.get(q) : found;
      best.clear();
      for (let h = 0; h < hits.keys.length; h++) {
        const key = hits.keys[h];
        const id = Number(key >> SEGMENT_BITS);
        const sim = 1 - hits.distances[h];
        let c = byTrack.get(id);
        if (!c) byTrack.set(id, (c = { trackId: id, vote: 0, starts: [] }));
        best.set(c, Math.max(sim, best.get(c) ?? -Infinity));
        const start = Number(key & SEGMENT_MASK) - q;
        if (!c.starts.includes(start)) c.starts.push(start);
      }
      for (const [c, sim] of best) c.vote += sim;
    }
    return [...byTrack.values()].sort((a, b) => b.vote - a.vote || a.trackId - b.trackId).slice(0, maxTracks);
  }

  /** Segment indices of a track of `count` segments that the index holds. */
  private rowsOf(count: number): number[] {
    const rows: number[] = [];
    for (let r = 0; r < count; r += this.opts.stride) rows.push(r);
    return rows;
  }
}

/** The record beside a saved index: its fingerprint and row count. */
function metaPath(path: string): string {
  return `${path}.json`;
}

function concat(parts: Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
