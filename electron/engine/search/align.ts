import { DenseSims } from './onnx-kernels';
import type { SegmentRows } from './segment-store';

/** Best temporal alignment of a clip's segment sequence against one track. */
export interface Alignment {
  /** Mean cosine of clip segment i against track segment start + i, over all i < m. */
  alignScore: number;
  /** Index of the track segment aligned with clip segment 0. */
  start: number;
}

/**
 * Given sims (m × n block at column `at` of a row-major matrix with row stride `stride`:
 * clip segment i · track segment k), the window start j that maximises
 * score(j) = (1/m) Σᵢ sims[i, j + i] (on ties the earliest start, as the scan does).
 *
 * A track shorter than the clip (n < m) can only start at j = 0; clip segments past its end
 * count as similarity 0, i.e. the overlap's sum is divided by m, not by the overlap. That
 * penalises the track in proportion to the part of the clip it would leave silent, instead of
 * letting a short jingle win on a few lucky segments.
 */
export function bestAlignment(sims: Float32Array, m: number, n: number, at = 0, stride = n): Alignment {
  const lastStart = Math.max(0, n - m);
  const rows = Math.min(m, n);
  let best = -Infinity;
  let bestStart = 0;
  for (let j = 0; j <= lastStart; j++) {
    let s = 0;
    for (let i = 0, p = at + j; i < rows; i++, p += stride + 1) s += sims[p];
    if (s > best) {
      best = s;
      bestStart = j;
    }
  }
  return { alignScore: best / m, start: bestStart };
}

/** A track's rows in the store: [first, first + count). */
export interface RowRun {
  first: number;
  count: number;
}

/** A plain row-major array as SegmentRows. */
function arrayRows(data: Float32Array, dim: number): SegmentRows {
  return {
    dim,
    rowView: (first, count) => data.subarray(first * dim, (first + count) * dim),
    readRows: (first, count, into) => into.set(data.subarray(first * dim, (first + count) * dim)),
  };
}

/** Rows per similarity block: 32k × 128 f32 = 16 MB gathered, 23 × 32k sims = 3 MB. */
const BATCH_ROWS = 32_768;

/**
 * Full alignment of a clip against many tracks: their rows go in blocks of ~BATCH_ROWS
 * through one onnxruntime Gemm (clip · rowsᵀ), then each track's diagonals are summed.
 * Runs that lie back to back in an in-memory store are passed as a view; others (and every
 * run of a store on disk) are read into one reused buffer, so a query allocates nothing per track.
 */
export class Aligner {
  private kernel: Promise<DenseSims> | null = null;
  private gathered = new Float32Array(0);
  private sims = new Float32Array(0);

  constructor(
    readonly dim: number,
    private readonly threads = 0,
  ) {}

  async alignRuns(clip: Float32Array, m: number, data: Float32Array | SegmentRows, runs: readonly RowRun[]): Promise<Alignment[]> {
    const d = this.dim;
    const source = data instanceof Float32Array ? arrayRows(data, d) : data;
    this.kernel ??= DenseSims.open(d, this.threads);
    const kernel = await this.kernel;
    const out: Alignment[] = [];
    for (let from = 0; from < runs.length; ) {
      let to = from;
      let total = 0;
      let contiguous = true;
      while (to < runs.length && (total === 0 || total + runs[to].count <= BATCH_ROWS)) {
        if (to > from && runs[to].first !== runs[to - 1].first + runs[to - 1].count) contiguous = false;
        total += runs[to++].count;
      }
      let rows = contiguous ? source.rowView(runs[from].first, total) : null;
      if (!rows) {
        if (this.gathered.length < total * d) this.gathered = new Float32Array(Math.max(total, BATCH_ROWS) * d);
        if (contiguous) source.readRows(runs[from].first, total, this.gathered);
        else {
          for (let r = from, at = 0; r < to; at += runs[r++].count) source.readRows(runs[r].first, runs[r].count, this.gathered.subarray(at * d));
        }
        rows = this.gathered;
      }
      if (this.sims.length < m * total) this.sims = new Float32Array(m * Math.max(total, BATCH_ROWS));
      const sims = await kernel.run(clip, m, rows, total, this.sims);
      for (let r = from, at = 0; r < to; at += runs[r++].count) out.push(bestAlignment(sims, m, runs[r].count, at, total));
      from = to;
    }
    return out;
  }

  /** Align a clip (m × dim) against rows [first, first + count) of `data`. */
  async align(clip: Float32Array, m: number, data: Float32Array, first: number, count: number): Promise<Alignment> {
    return (await this.alignRuns(clip, m, data, [{ first, count }]))[0];
  }

  async release(): Promise<void> {
    const kernel = this.kernel;
    this.kernel = null;
    await (await kernel)?.release();
  }
}
