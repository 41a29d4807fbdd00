import { cancelledError, NeedledropError } from '../errors';
import { dotRows } from './kernels';
import { CLIP_LEVELS, CLIP_ZERO_POINT, Int8Scan, STORE_LEVELS } from './onnx-kernels';
import type { SegmentStore } from './segment-store';
import type { SyncOptions } from './types';

export interface ScanOptions {
  /**
   * Keep every stride-th segment of each track (default: by library size, see scanStride).
   * Neighbouring 8 s windows at a 1 s hop overlap 7/8, so on real embeddings the skipped rows
   * are near-duplicates; a clip of m segments still meets its true window in ~m/stride rows.
   */
  stride?: number;
  /** onnxruntime intra-op threads; 0 uses every core. */
  threads?: number;
}

/** Above this many kept rows the scan doubles its stride (up to 8): at 100k rows stride 2 scanned in ~7 ms of CPU against ~25 ms at stride 1. */
const SCAN_ROWS = 64_000;
/**
 * Stride 16 only above this many rows at stride 8 (~5M segments): a 30 s clip (23 rows) then
 * meets one kept row per window instead of three (see clipRows), but the MatMul, which costs
 * ~130 ns per kept row here (int8, one core), stays near 80 ms at 10M segments instead of 160.
 */
const SCAN_ROWS_16 = 600_000;

/** Default stride for a library of `segments` rows: 1, 2, 4 or 8, keeping at most ~SCAN_ROWS rows where it can; 16 for the largest libraries. */
export function scanStride(segments: number): number {
  let stride = 1;
  while (stride < 8 && segments / stride > SCAN_ROWS) stride *= 2;
  // Past SCAN_ROWS_16 · 8 rows the loop has reached 8 (it stops short only at ≤ 4 · SCAN_ROWS).
  return segments / 8 > SCAN_ROWS_16 ? 16 : stride;
}

/**
 * Clip rows the scan uses at `stride`: whole blocks of `stride` rows (at least one block), so a
 * clip of m rows becomes U = max(1, round(m / stride)) blocks. Rounding down drops up to half a
 * block of the clip's last rows rather than paying for a block that is mostly padding: at
 * stride 16 a 23-row clip would cost 32 rows of MatMul for 23 rows of votes.
 */
export function clipRows(m: number, stride: number): number {
  return Math.min(m, stride * Math.max(1, Math.round(m / stride)));
}

/** The scan's int8 codes: what sync computes from the rows and what a segment index saves. */
export interface ScanCodes {
  stride: number;
  /** Dequantisation scale of the stored rows (max |x| / STORE_LEVELS). */
  scale: number;
  /** dim × cols, row-major: column c is the c-th kept row (tracks in slot order, every stride-th row of each). */
  weights: Int8Array;
}

/** Codes saved with a segment index: the scan model (writeScanModel) whose weights file onnxruntime reads itself. */
export interface SavedScanCodes {
  stride: number;
  scale: number;
  /** Path of the .onnx file; its weights must hold the store's kept rows (checked by the caller). */
  model: string;
}

/** Per slot, the first column of its kept rows (length trackCount + 1). */
function keptColumns(store: SegmentStore, stride: number): Int32Array<ArrayBuffer> {
  const tracks = store.trackCount;
  const colFirst = new Int32Array(tracks + 1);
  for (let slot = 0; slot < tracks; slot++) colFirst[slot + 1] = colFirst[slot] + Math.ceil(store.rowCount(slot) / stride);
  return colFirst;
}

/** Calls `each(slot, rows)` with every track's rows (a view in memory, else read into one reused buffer). */
async function forEachTrack(store: SegmentStore, opts: SyncOptions, onRows: (done: number) => void, each: (slot: number, rows: Float32Array) => void): Promise<void> {
  const version = store.version;
  let buffer = new Float32Array(0);
  let sinceYield = 0;
  for (let slot = 0; slot < store.trackCount; slot++) {
    const first = store.firstRow(slot);
    const count = store.rowCount(slot);
    let rows = store.rowView(first, count);
    if (!rows) {
      if (buffer.length < count * store.dim) buffer = new Float32Array(count * store.dim * 2);
      store.readRows(first, count, buffer);
      rows = buffer;
    }
    each(slot, rows);
    sinceYield += count;
    if (sinceYield >= QUANTISE_CHUNK || slot === store.trackCount - 1) {
      sinceYield = 0;
      onRows(first + count);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.signal?.aborted) throw cancelledError('building the search index');
      // Rows were read before we yielded; a change meanwhile may have moved them.
      if (store.version !== version) throw cancelledError('search index sync (the library changed meanwhile)');
    }
  }
}

/**
 * Quantise every stride-th row of each track to 7 bits with one library-wide scale, transposed
 * into the layout Int8Scan takes. `maxAbs` (an upper bound of |x| over the rows, e.g. counted
 * while they were written) saves the first of the two passes over the rows.
 */
export async function quantiseScan(store: SegmentStore, stride: number, opts: SyncOptions & { maxAbs?: number } = {}): Promise<ScanCodes> {
  const d = store.dim;
  const colFirst = keptColumns(store, stride);
  const cols = colFirst[store.trackCount];
  const total = store.segmentCount;
  const started = performance.now();
  const progress = (done: number): void => {
    const rate = done / Math.max((performance.now() - started) / 1000, 1e-6);
    opts.onProgress?.({ done, total, rate, etaSeconds: (total - done) / rate });
  };
  if (opts.signal?.aborted) throw cancelledError('building the search index');
  let max = opts.maxAbs ?? 0;
  if (opts.maxAbs === undefined) {
    await forEachTrack(store, opts, () => undefined, (slot, rows) => {
      for (let r = 0; r < store.rowCount(slot); r += stride) {
        for (let x = r * d; x < (r + 1) * d; x++) max = Math.max(max, Math.abs(rows[x]));
      }
    });
  }
  // max 0 (every row 0): 0 · ∞ is NaN, which an Int8Array stores as 0, like every other row value.
  const inv = STORE_LEVELS / max;
  const weights = new Int8Array(d * cols);
  await forEachTrack(store, opts, progress, (slot, rows) => {
    const count = store.rowCount(slot);
    for (let c = colFirst[slot], r = 0; r < count; c++, r += stride) {
      // Column c of the d × cols weights: row-major, so consecutive x are `cols` apart.
      for (let x = 0; x < d; x++) weights[x * cols + c] = Math.round(rows[r * d + x] * inv);
    }
  });
  return { stride, scale: max / STORE_LEVELS, weights };
}

/** Coarse alignment of one clip against every track. */
export interface ScanResult {
  /** Per store slot: best coarse window score (mean cosine over the kept rows it meets), -Infinity when unscored. */
  score: Float32Array;
  /** Per store slot: the window start (track segment aligned with clip segment 0) of that score. */
  start: Int32Array;
}

const QUANTISE_CHUNK = 32_768;

/**
 * Coarse alignment of a clip against the whole library in one int8 MatMul (Int8Scan): every
 * stride-th row of each track, quantised to 7 bits with one library-wide scale, transposed
 * into the constant weights of an onnxruntime session (packed once per library version). A
 * query is quantised to u8; each (clip row i, kept row r·stride of a track) product votes for
 * the window start j = r·stride − i it belongs to (Hough-style), summed per window in JS; a
 * window's score is the mean of its votes. Exact up to quantisation (~1 % of a cosine) on the
 * rows it keeps, so unlike an HNSW index it never misses a track by graph luck.
 */
export class SegmentScan {
  private kernel: Int8Scan | null = null;
  private syncedVersion = -1;
  /** Per slot, the first column of its kept rows (length trackCount + 1). */
  private colFirst = new Int32Array(1);
  /** Dequantisation scale of the stored rows (max |x| / STORE_LEVELS). */
  private storeScale = 0;
  private sims = new Int32Array(0);
  private colBest = new Int32Array(0);
  private shortRows = new Float32Array(0);

  constructor(
    readonly dim: number,
    private readonly opts: ScanOptions = {},
  ) {}

  inSync(store: SegmentStore): boolean {
    // syncedVersion is -1 whenever there is no kernel (store versions start at 0).
    return this.syncedVersion === store.version;
  }

  /** Kept rows (columns of the scan). */
  get size(): number {
    return this.kernel?.cols ?? 0;
  }

  get stride(): number {
    return this.kernel?.stride ?? 0;
  }

  /** Rebuild from the store when it changed: quantise, transpose, open the kernel. */
  async sync(store: SegmentStore, opts: SyncOptions = {}): Promise<void> {
    if (this.inSync(store)) return;
    const version = store.version;
    const stride = Math.max(1, Math.floor(this.opts.stride ?? scanStride(store.segmentCount)));
    const codes = await quantiseScan(store, stride, opts);
    if (store.version !== version) throw cancelledError('search index sync (the library changed meanwhile)');
    await this.load(store, codes);
  }

  /** Open the kernel on codes computed from this store as it is now (by sync, or saved with a segment index). */
  async load(store: SegmentStore, codes: ScanCodes | SavedScanCodes): Promise<void> {
    const version = store.version;
    const colFirst = keptColumns(store, codes.stride);
    const cols = colFirst[store.trackCount];
    // Undefined: Int8Scan's own default, 0 (every core).
    const threads = this.opts.threads;
    if ('weights' in codes && codes.weights.length !== cols * this.dim) {
      throw new NeedledropError('internal', `scan codes hold ${codes.weights.length} values, the store needs ${cols} kept rows × ${this.dim}`);
    }
    const kernel =
      'weights' in codes
        ? await Int8Scan.open(codes.weights, this.dim, cols, codes.stride, threads)
        : await Int8Scan.openModel(codes.model, this.dim, cols, codes.stride, threads);
    if (store.version !== version) {
      await kernel.release();
      throw cancelledError('search index sync (the library changed meanwhile)');
    }
    await this.kernel?.release();
    this.kernel = kernel;
    this.colFirst = colFirst;
    this.storeScale = codes.scale;
    this.sims = new Int32Array(0);
    this.syncedVersion = version;
  }

  /** Best coarse window of every track for a clip of m rows (m × dim, unit rows). */
  async scan(store: SegmentStore, clip: Float32Array, m: number): Promise<ScanResult> {
    const { kernel, bytes, used, u, scale } = this.quantiseClip(store, clip, m);
    if (this.sims.length < kernel.stride * u * kernel.cols) this.sims = new Int32Array(kernel.stride * u * kernel.cols);
    if (u === 1) {
      // One vote per window: graph row i is clip row i, and no padding rows are needed.
      if (this.colBest.length < kernel.cols) this.colBest = new Int32Array(kernel.cols);
      const sims = await kernel.run(bytes, used, this.sims, this.colBest);
      return this.bestSingle(store, clip, m, used, sims, this.colBest, scale);
    }
    const sims = await kernel.run(bytes, kernel.stride * u, this.sims);
    return this.best(store, clip, m, used, u, sims, scale);
  }

  /**
   * Only the scores of `scan` (what the Matcher shortlists by), without the window starts. With
   * one clip block the starts need every similarity, the scores only the graph's per-column
   * maximum, so this skips fetching the similarities (3× cheaper at 10M segments).
   */
  async scores(store: SegmentStore, clip: Float32Array, m: number): Promise<Float32Array> {
    if (this.kernel && clipRows(m, this.kernel.stride) > this.kernel.stride) return (await this.scan(store, clip, m)).score;
    const { kernel, bytes, used, scale } = this.quantiseClip(store, clip, m);
    if (this.colBest.length < kernel.cols) this.colBest = new Int32Array(kernel.cols);
    const colBest = await kernel.runBest(bytes, used, this.colBest);
    const tracks = store.trackCount;
    const score = new Float32Array(tracks);
    for (let slot = 0; slot < tracks; slot++) {
      if (store.rowCount(slot) < m) {
        score[slot] = this.shortTrackScore(store, clip, m, slot);
        continue;
      }
      let bestVote = colBest[this.colFirst[slot]];
      for (let c = this.colFirst[slot] + 1; c < this.colFirst[slot + 1]; c++) if (colBest[c] > bestVote) bestVote = colBest[c];
      score[slot] = bestVote * scale;
    }
    return score;
  }

  /** The clip as the kernel's u8 rows (reordered by residue mod stride, see Int8Scan), and the scale back to cosines. */
  private quantiseClip(store: SegmentStore, clip: Float32Array, m: number): { kernel: Int8Scan; bytes: Uint8Array; used: number; u: number; scale: number } {
    const kernel = this.kernel;
    if (!kernel || !this.inSync(store)) throw new NeedledropError('internal', 'the scan is not in sync with the segment store: call sync() first');
    const d = this.dim;
    const s = kernel.stride;
    const used = clipRows(m, s);
    const u = Math.ceil(used / s);
    // A few kilobytes a query (s·U·d): a new array costs nothing next to the MatMul.
    const bytes = new Uint8Array(s * u * d).fill(CLIP_ZERO_POINT);
    let max = 0;
    for (let x = 0; x < used * d; x++) max = Math.max(max, Math.abs(clip[x]));
    const inv = max > 0 ? CLIP_LEVELS / max : 0;
    // Clip row i = a·s + v goes to graph row v·u + a (see Int8Scan).
    for (let i = 0; i < used; i++) {
      const to = ((i % s) * u + Math.floor(i / s)) * d;
      for (let x = 0; x < d; x++) bytes[to + x] = CLIP_ZERO_POINT + Math.round(clip[i * d + x] * inv);
    }
    return { kernel, bytes, used, u, scale: (max / CLIP_LEVELS) * this.storeScale };
  }

  /**
   * The one-block case (U = 1: every window hears one clip row): a track's score is its best
   * single (clip row, kept row) vote, taken from the graph's per-column maximum, so JS reads
   * ~segmentCount/stride values instead of all the similarities (at 10M segments the plain pass
   * over 10M int32 alone cost ~30 ms here). Unlike the U > 1 case the vote may come from a
   * window that runs past the track's start or end: as a shortlist key that still says the
   * clip matches the track there, and the full alignment then scores only whole windows.
   */
  private bestSingle(store: SegmentStore, clip: Float32Array, m: number, used: number, sims: Int32Array, colBest: Int32Array, scale: number): ScanResult {
    const s = this.stride;
    const cols = this.size;
    const tracks = store.trackCount;
    const score = new Float32Array(tracks);
    const start = new Int32Array(tracks);
    for (let slot = 0; slot < tracks; slot++) {
      const n = store.rowCount(slot);
      if (n < m) {
        score[slot] = this.shortTrackScore(store, clip, m, slot);
        continue;
      }
      const c0 = this.colFirst[slot];
      let bestVote = colBest[c0];
      let bestC = c0;
      for (let c = c0 + 1; c < this.colFirst[slot + 1]; c++) {
        if (colBest[c] > bestVote) {
          bestVote = colBest[c];
          bestC = c;
        }
      }
      let v = 0;
      while (v < used - 1 && sims[v * cols + bestC] !== bestVote) v++;
      score[slot] = bestVote * scale;
      start[slot] = Math.min(n - m, Math.max(0, (bestC - c0) * s - v));
    }
    return { score, start };
  }

  /**
   * Per track, the window with the best mean vote; tracks shorter than the clip get their one
   * window exactly. Window j = q·s − v puts clip row i = u·s + v (graph row v·U + u) over kept
   * row q + u of the track (Hough-style: each product votes for the one window it belongs to);
   * a window inside the track (j ≤ n − m) only reads kept rows of its own track. Only for U > 1
   * (one block goes to bestSingle).
   */
  private best(store: SegmentStore, clip: Float32Array, m: number, used: number, u: number, sims: Int32Array, scale: number): ScanResult {
    const s = this.stride;
    const cols = this.size;
    const tracks = store.trackCount;
    const score = new Float32Array(tracks);
    const start = new Int32Array(tracks);
    // Window j = q·s − v hears the clip rows i ≡ v (mod s): this many of them, at least one each
    // (U > 1 here, so used > s and every residue v < s has its row i = v).
    const heard = new Float64Array(s);
    for (let i = 0; i < used; i++) heard[i % s]++;
    const perVote = Float64Array.from(heard, (n) => scale / n);
    for (let slot = 0; slot < tracks; slot++) {
      const n = store.rowCount(slot);
      if (n < m) {
        // Its one window starts at 0, as `start` was initialised.
        score[slot] = this.shortTrackScore(store, clip, m, slot);
        continue;
      }
      const c0 = this.colFirst[slot];
      const last = n - m;
      let best = -Infinity;
      let bestJ = 0;
      for (let v = 0; v < s; v++) {
        // Within one residue every window has the same vote weight: take the best integer vote
        // (first on ties, i.e. smallest start), scale once. This loop runs ~segmentCount times per query.
        const row = v * u * cols + c0;
        const q0 = v > 0 ? 1 : 0;
        const q1 = Math.floor((last + v) / s);
        let bestVote = -Infinity;
        let bestQ = q0;
        for (let q = q0; q <= q1; q++) {
          let vote = sims[row + q];
          for (let a = 1, at = row + cols + q + 1; a < u; a++, at += cols + 1) vote += sims[at];
          if (vote > bestVote) {
            bestVote = vote;
            bestQ = q;
          }
        }
        // No window in this residue (q1 < q0): the value is -Infinity (or NaN at scale 0), which
        // never beats residue 0's finite best.
        const value = bestVote * perVote[v];
        const j = bestQ * s - v;
        if (value > best || (value === best && j < bestJ)) {
          best = value;
          bestJ = j;
        }
      }
      score[slot] = best;
      start[slot] = bestJ;
    }
    return { score, start };
  }

  /** A track shorter than the clip has one window (start 0): its exact mean cosine over the clip's m rows. */
  private shortTrackScore(store: SegmentStore, clip: Float32Array, m: number, slot: number): number {
    const d = this.dim;
    const n = store.rowCount(slot);
    let rows = store.rowView(store.firstRow(slot), n);
    if (!rows) {
      if (this.shortRows.length < n * d) this.shortRows = new Float32Array(m * d);
      store.readRows(store.firstRow(slot), n, this.shortRows);
      rows = this.shortRows;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dotRows(clip, i, rows, i, d);
    return sum / m;
  }

  async release(): Promise<void> {
    await this.kernel?.release();
    this.kernel = null;
    this.syncedVersion = -1;
  }
}
