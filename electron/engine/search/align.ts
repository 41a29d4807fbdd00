import { dotBlock, padRows } from './kernels';

/** Best temporal alignment of a clip's segment sequence against one track. */
export interface Alignment {
  /** Mean cosine of clip segment i against track segment start + i, over all i < m. */
  alignScore: number;
  /** Index of the track segment aligned with clip segment 0. */
  start: number;
}

/**
 * Given sims (rows × n, row stride n: clip segment rowIndex[r] · track segment k), the window
 * start j that maximises score(j) = mean over rows r of sims[r, j + rowIndex[r]]. rowIndex
 * defaults to 0..m-1 (every clip segment); a subset gives the cheap coarse score.
 *
 * A track shorter than the clip (n < m) can only start at j = 0; clip segments past its end
 * count as similarity 0, i.e. the overlap's sum is divided by the row count, not by the
 * overlap. That penalises the track in proportion to the part of the clip it would leave
 * silent, instead of letting a short jingle win on a few lucky segments.
 */
export function bestAlignment(sims: Float32Array, m: number, n: number, rowIndex?: ArrayLike<number>): Alignment {
  const rows = rowIndex ? rowIndex.length : m;
  const lastStart = Math.max(0, n - m);
  let best = -Infinity;
  let bestStart = 0;
  for (let j = 0; j <= lastStart; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) {
      const k = j + (rowIndex ? rowIndex[r] : r);
      if (k < n) s += sims[r * n + k];
    }
    if (s > best) {
      best = s;
      bestStart = j;
    }
  }
  return { alignScore: best / rows, start: bestStart };
}

/** Every step-th row of a clip (row-major m × d) and the indices it kept. */
export function subsampleClip(clip: Float32Array, m: number, d: number, step: number): { rows: Float32Array; index: number[] } {
  const index: number[] = [];
  for (let i = 0; i < m; i += step) index.push(i);
  const rows = new Float32Array(index.length * d);
  index.forEach((i, r) => rows.set(clip.subarray(i * d, (i + 1) * d), r * d));
  return { rows, index };
}

/** Alignment score at one window start j (same scoring as bestAlignment). */
export function alignAt(clip: Float32Array, m: number, data: Float32Array, first: number, n: number, j: number, d: number): number {
  let s = 0;
  for (let i = 0; i < m && j + i < n; i++) {
    const cb = i * d;
    const tb = (first + j + i) * d;
    for (let x = 0; x < d; x++) s += clip[cb + x] * data[tb + x];
  }
  return s / m;
}

/**
 * Aligns clips against tracks stored as contiguous row runs. Owns one similarity scratch
 * buffer, grown as needed, so aligning thousands of tracks allocates nothing per track.
 */
export class Aligner {
  private scratch = new Float32Array(0);
  /** The last clip padded to a multiple of 8 rows, reused while the same clip is aligned. */
  private padded: { source: Float32Array; rows: Float32Array; m: number } | null = null;

  /** Align clip (m × d) against rows [first, first + count) of `data`. */
  align(clip: Float32Array, m: number, data: Float32Array, first: number, count: number, d: number): Alignment {
    if (this.padded?.source !== clip) this.padded = { source: clip, ...padRows(clip, m, d) };
    const { rows, m: mp } = this.padded;
    this.ensure(mp * count);
    dotBlock(rows, mp, data, first, count, d, this.scratch);
    return bestAlignment(this.scratch, m, count);
  }

  /** Coarse alignment from a subsample of the clip's rows (see subsampleClip); m is the full clip length. */
  coarse(sub: { rows: Float32Array; index: number[] }, m: number, data: Float32Array, first: number, count: number, d: number): Alignment {
    const rows = sub.index.length;
    this.ensure(rows * count);
    dotBlock(sub.rows, rows, data, first, count, d, this.scratch);
    return bestAlignment(this.scratch, m, count, sub.index);
  }

  private ensure(size: number): void {
    if (this.scratch.length < size) this.scratch = new Float32Array(Math.ceil(size * 1.25));
  }
}
