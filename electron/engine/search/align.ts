import { dotBlock } from './kernels';

/** Best temporal alignment of a clip's segment sequence against one track. */
export interface Alignment {
  /** Mean cosine of clip segment i against track segment start + i, over all i < m. */
  alignScore: number;
  /** Index of the track segment aligned with clip segment 0. */
  start: number;
}

/**
 * Given sims (m × n, row stride n: clip segment i · track segment k), the window start j that
 * maximises score(j) = (1/m) Σ_i sims[i, j+i].
 *
 * A track shorter than the clip (n < m) can only start at j = 0; clip segments past its end
 * count as similarity 0, i.e. the overlap's sum is divided by m, not by n. That penalises the
 * track in proportion to the part of the clip it would leave silent, instead of letting a
 * short jingle win on a few lucky segments.
 */
export function bestAlignment(sims: Float32Array, m: number, n: number): Alignment {
  const lastStart = Math.max(0, n - m);
  let best = -Infinity;
  let bestStart = 0;
  for (let j = 0; j <= lastStart; j++) {
    const overlap = Math.min(m, n - j);
    let s = 0;
    for (let i = 0; i < overlap; i++) s += sims[i * n + j + i];
    if (s > best) {
      best = s;
      bestStart = j;
    }
  }
  return { alignScore: best / m, start: bestStart };
}

/**
 * Aligns clips against tracks stored as contiguous row runs. Owns one similarity scratch
 * buffer, grown as needed, so aligning thousands of tracks allocates nothing per track.
 */
export class Aligner {
  private scratch = new Float32Array(0);

  /** Align clip (m × d) against rows [first, first + count) of `data`. */
  align(clip: Float32Array, m: number, data: Float32Array, first: number, count: number, d: number): Alignment {
    if (this.scratch.length < m * count) this.scratch = new Float32Array(Math.ceil(m * count * 1.25));
    dotBlock(clip, m, data, first, count, d, this.scratch);
    return bestAlignment(this.scratch, m, count);
  }
}
