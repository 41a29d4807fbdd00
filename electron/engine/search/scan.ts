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

/** Default stride for a library of `segments` rows: 1, 2, 4 or 8, keeping at most ~SCAN_ROWS rows where it can. */
export function scanStride(segments: number): number {
  let stride = 1;
  while (stride < 8 && segments / stride > SCAN_ROWS) stride *= 2;
  return stride;
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
 * Coarse alignment of a clip against the whole library in one int8 graph (Int8Scan): every
 * stride-th row of each track, quantised to 7 bits with one library-wide scale, transposed
 * into the constant weights of an onnxruntime session (packed once per library version). A
 * query is quantised to u8; each (clip row i, kept row r·stride of a track) product votes for
 * the window start j = r·stride − i it belongs to (Hough-style), summed in the graph; a
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
  private votes = new Int32Array(0);
  private clipBytes = new Uint8Array(0);

  constructor(
    readonly dim: number,
    private readonly opts: ScanOptions = {},
  ) {}

  inSync(store: SegmentStore): boolean {
    return this.kernel !== null && this.syncedVersion === store.version;
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
    const d = this.dim;
    const stride = Math.max(1, Math.floor(this.opts.stride ?? scanStride(store.segmentCount)));
    const tracks = store.trackCount;
    const colFirst = new Int32Array(tracks + 1);
    for (let slot = 0; slot < tracks; slot++) colFirst[slot + 1] = colFirst[slot] + Math.ceil(store.rowCount(slot) / stride);
    const cols = colFirst[tracks];
    const rows = store.rows();
    const rowOf = (c: number, slot: number): number => store.firstRow(slot) + (c - colFirst[slot]) * stride;
    let max = 0;
    for (let slot = 0, c = 0; c < cols; c++) {
      while (colFirst[slot + 1] <= c) slot++;
      const base = rowOf(c, slot) * d;
      for (let x = 0; x < d; x++) max = Math.max(max, Math.abs(rows[base + x]));
    }
    const inv = max > 0 ? STORE_LEVELS / max : 0;
    const weights = new Int8Array(d * cols);
    const started = performance.now();
    let slot = 0;
    for (let c0 = 0; c0 < cols; ) {
      if (opts.signal?.aborted) throw cancelledError('building the search index');
      const end = Math.min(cols, c0 + QUANTISE_CHUNK);
      for (let c = c0; c < end; c++) {
        while (colFirst[slot + 1] <= c) slot++;
        const base = rowOf(c, slot) * d;
        // Column c of the d × cols weights: row-major, so consecutive x are `cols` apart.
        for (let x = 0; x < d; x++) weights[x * cols + c] = Math.round(rows[base + x] * inv);
      }
      c0 = end;
      const seconds = (performance.now() - started) / 1000;
      const rate = c0 / Math.max(seconds, 1e-6);
      opts.onProgress?.({ done: c0, total: cols, rate, etaSeconds: (cols - c0) / rate });
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Rows were read from a view taken at the start; a change while we yielded may have moved them.
      if (store.version !== version) throw cancelledError('search index sync (the library changed meanwhile)');
    }
    const kernel = await Int8Scan.open(weights, d, cols, stride, this.opts.threads ?? 0);
    if (store.version !== version) {
      await kernel.release();
      throw cancelledError('search index sync (the library changed meanwhile)');
    }
    await this.kernel?.release();
    this.kernel = kernel;
    this.colFirst = colFirst;
    this.storeScale = max / STORE_LEVELS;
    this.votes = new Int32Array(stride * (cols + 1));
    this.syncedVersion = version;
  }

  /** Best coarse window of every track for a clip of m rows (m × dim, unit rows). */
  async scan(store: SegmentStore, clip: Float32Array, m: number): Promise<ScanResult> {
    const kernel = this.kernel;
    if (!kernel || !this.inSync(store)) throw new NeedledropError('internal', 'the scan is not in sync with the segment store: call sync() first');
    const d = this.dim;
    const s = kernel.stride;
    const u = Math.ceil(m / s);
    if (this.clipBytes.length < s * u * d) this.clipBytes = new Uint8Array(s * u * d);
    const bytes = this.clipBytes;
    bytes.fill(CLIP_ZERO_POINT, 0, s * u * d);
    let max = 0;
    for (let x = 0; x < m * d; x++) max = Math.max(max, Math.abs(clip[x]));
    const inv = max > 0 ? CLIP_LEVELS / max : 0;
    // Clip row i = a·s + v goes to graph row v·u + a (see Int8Scan).
    for (let i = 0; i < m; i++) {
      const to = ((i % s) * u + Math.floor(i / s)) * d;
      for (let x = 0; x < d; x++) bytes[to + x] = CLIP_ZERO_POINT + Math.round(clip[i * d + x] * inv);
    }
    const votes = await kernel.run(bytes, s * u, this.votes);
    return this.best(store, clip, m, votes, (max / CLIP_LEVELS) * this.storeScale);
  }

  /** Per track, the window with the best mean vote; tracks shorter than the clip get their one window exactly. */
  private best(store: SegmentStore, clip: Float32Array, m: number, votes: Int32Array, scale: number): ScanResult {
    const s = this.stride;
    const cols = this.size;
    const tracks = store.trackCount;
    const score = new Float32Array(tracks);
    const start = new Int32Array(tracks);
    // Window j = q·s − v hears the clip rows i ≡ v (mod s): this many of them.
    const heard = new Float64Array(s);
    for (let i = 0; i < m; i++) heard[i % s]++;
    const perVote = Float64Array.from(heard, (n) => (n > 0 ? scale / n : 0));
    for (let slot = 0; slot < tracks; slot++) {
      const n = store.rowCount(slot);
      if (n < m) {
        score[slot] = shortTrackScore(clip, m, store.rows(), store.firstRow(slot), n, this.dim);
        start[slot] = 0;
        continue;
      }
      const c0 = this.colFirst[slot];
      const last = n - m;
      let best = -Infinity;
      let bestJ = 0;
      for (let v = 0; v < s; v++) {
        if (heard[v] === 0) continue;
        const row = v * (cols + 1) + c0;
        const w = perVote[v];
        for (let q = v > 0 ? 1 : 0, j = q * s - v; j <= last; q++, j += s) {
          const value = votes[row + q] * w;
          if (value > best || (value === best && j < bestJ)) {
            best = value;
            bestJ = j;
          }
        }
      }
      score[slot] = best;
      start[slot] = bestJ;
    }
    return { score, start };
  }

  async release(): Promise<void> {
    await this.kernel?.release();
    this.kernel = null;
    this.syncedVersion = -1;
  }
}

/** A track shorter than the clip has one window (start 0): its exact mean cosine over the clip's m rows. */
function shortTrackScore(clip: Float32Array, m: number, rows: Float32Array, first: number, n: number, d: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += dotRows(clip, i, rows, first + i, d);
  return sum / m;
}
