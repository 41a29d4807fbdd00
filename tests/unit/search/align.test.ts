import { describe, expect, it } from 'vitest';
import { Aligner, bestAlignment } from '../../../electron/engine/search/align';
import { dotBlock, topK } from '../../../electron/engine/search/kernels';
import { noisySlice, rng, unitRows } from './synthetic';

describe('dotBlock', () => {
  it('equals a plain dot loop, including the clip rows left over from the 8-row blocks', () => {
    const rand = rng(4);
    const d = 13;
    const clip = unitRows(rand, 13, d);
    const data = unitRows(rand, 20, d);
    const out = new Float32Array(13 * 9);
    dotBlock(clip, 13, data, 5, 9, d, out);
    for (let i = 0; i < 13; i++) {
      for (let r = 0; r < 9; r++) {
        let s = 0;
        for (let x = 0; x < d; x++) s += clip[i * d + x] * data[(5 + r) * d + x];
        expect(out[i * 9 + r]).toBeCloseTo(s, 5);
      }
    }
  });
});

describe('bestAlignment', () => {
  it('matches a brute-force search over window starts', () => {
    const rand = rng(5);
    for (const [m, n] of [[3, 10], [5, 5], [4, 30], [13, 40]]) {
      const sims = Float32Array.from({ length: m * n }, () => rand() * 2 - 1);
      let best = -Infinity;
      let bestJ = -1;
      for (let j = 0; j + m <= n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += sims[i * n + j + i];
        if (s / m > best) [best, bestJ] = [s / m, j];
      }
      const got = bestAlignment(sims, m, n);
      expect(got.start).toBe(bestJ);
      expect(got.alignScore).toBeCloseTo(best, 5);
    }
  });

  it('reads an m × n block out of a wider matrix (column offset and row stride)', () => {
    const rand = rng(8);
    const [m, n, width, at] = [4, 9, 20, 7];
    const wide = Float32Array.from({ length: m * width }, () => rand() * 2 - 1);
    const block = new Float32Array(m * n);
    for (let i = 0; i < m; i++) block.set(wide.subarray(i * width + at, i * width + at + n), i * n);
    expect(bestAlignment(wide, m, n, at, width)).toEqual(bestAlignment(block, m, n));
  });

  it('aligns many tracks at once, contiguous or gathered, like one at a time', async () => {
    const rand = rng(9);
    const d = 16;
    const data = unitRows(rand, 120, d);
    const clip = noisySlice(rand, data, d, 70, 12, 0.05);
    const aligner = new Aligner(d);
    const runs = [{ first: 0, count: 50 }, { first: 50, count: 40 }, { first: 100, count: 20 }, { first: 55, count: 30 }];
    const many = await aligner.alignRuns(clip, 12, data, runs);
    for (const [r, run] of runs.entries()) {
      const one = await aligner.align(clip, 12, data.slice(run.first * d, (run.first + run.count) * d), 0, run.count);
      expect(many[r].start).toBe(one.start);
      expect(many[r].alignScore).toBeCloseTo(one.alignScore, 5);
    }
    expect(many[1].start).toBe(20);
    await aligner.release();
  });

  it('finds a clip planted in a track at its offset', async () => {
    const rand = rng(6);
    const d = 32;
    const trackRows = unitRows(rand, 60, d);
    const clip = noisySlice(rand, trackRows, d, 23, 12, 0.1);
    const a = await new Aligner(d).align(clip, 12, trackRows, 0, 60);
    expect(a.start).toBe(23);
    expect(a.alignScore).toBeGreaterThan(0.8);
  });

  it('penalises a track shorter than the clip by the share of the clip it leaves uncovered', async () => {
    const rand = rng(7);
    const d = 32;
    const clip = unitRows(rand, 10, d);
    // The track is exactly the clip's first 4 segments: overlap sum 4, divided by m = 10.
    const a = await new Aligner(d).align(clip, 10, clip.slice(0, 4 * d), 0, 4);
    expect(a.start).toBe(0);
    expect(a.alignScore).toBeCloseTo(0.4, 5);
  });
});

describe('topK', () => {
  it('returns the k best indices in order, skipping what it is told to', () => {
    const scores = [0.1, 0.9, 0.5, 0.9, -1, 0.7];
    expect(topK(scores, 3)).toEqual([1, 3, 5]);
    expect(topK(scores, 3, (i) => i === 3)).toEqual([1, 5, 2]);
    expect(topK(scores, 10)).toHaveLength(6);
    expect(topK(scores, 0)).toEqual([]);
  });
});
