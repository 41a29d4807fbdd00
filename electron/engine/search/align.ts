import { DenseSims } from './onnx-kernels';

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
 * score(j) = (1/m) Σᵢ sims[i, j + i].
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

/** Rows per similarity block: 32k × 128 f32 = 16 MB gathered, 23 × 32k sims = 3 MB. */
const BATCH_ROWS = 32_768;

/**
 * Full alignment of a clip against many tracks: their rows go in blocks of ~BATCH_ROWS
 * through one onnxruntime Gemm (clip · rowsᵀ), then each track's diagonals are summed.
 * Runs that lie back to back in the store are passed as a view; others are gathered into
 * one reused buffer, so a query allocates nothing per track.
 */
export class Aligner {
  private kernel: Promise<DenseSims> | null = null;
  private gathered = new Float32Array(0);
  private sims = new Float32Array(0);

  constructor(
    readonly dim: number,
    private readonly threads = 0,
  ) {}

  async alignRuns(clip: Float32Array, m: number, data: Float32Array, runs: readonly RowRun[]): Promise<Alignment[]> {
    const d = this.dim;
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
      let rows: Float32Array;
      if (contiguous) rows = data.subarray(runs[from].first * d, (runs[from].first + total) * d);
      else {
        if (this.gathered.length < total * d) this.gathered = new Float32Array(Math.max(total, BATCH_ROWS) * d);
        let at = 0;
        for (let r = from; r < to; r++) {
          this.gathered.set(data.subarray(runs[r].first * d, (runs[r].first + runs[r].count) * d), at * d);
          at += runs[r].count;
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
