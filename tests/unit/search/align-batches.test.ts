/**
 * The aligner's blocks, against brute-force alignments and its documented resource rules: whole
 * tracks are packed greedily into similarity blocks of at most 32,768 rows; runs back to back in
 * memory go to onnxruntime as a view of the rows, others are read into one buffer that the next
 * query reuses (so does the similarity buffer); a back-to-back run of a store on disk is read in
 * one read. The kernel's run is watched (a spy that calls through), not replaced.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { Aligner, bestAlignment, type RowRun } from '../../../electron/engine/search/align';
import { dotRows } from '../../../electron/engine/search/kernels';
import { DenseSims } from '../../../electron/engine/search/onnx-kernels';
import type { SegmentRows } from '../../../electron/engine/search/segment-store';
import { rng, unitRows } from './synthetic';

afterEach(() => vi.restoreAllMocks());

/** The alignment of `clip` against rows [first, first + count), from dot products in plain JS. */
function bruteAlignment(clip: Float32Array, m: number, data: Float32Array, d: number, run: RowRun): { alignScore: number; start: number } {
  const sims = new Float32Array(m * run.count);
  for (let i = 0; i < m; i++) for (let k = 0; k < run.count; k++) sims[i * run.count + k] = dotRows(clip, i, data, run.first + k, d);
  return bestAlignment(sims, m, run.count);
}

function expectAlignments(got: Array<{ alignScore: number; start: number }>, clip: Float32Array, m: number, data: Float32Array, d: number, runs: RowRun[]): void {
  expect(got).toHaveLength(runs.length);
  runs.forEach((run, i) => {
    const want = bruteAlignment(clip, m, data, d, run);
    expect(got[i].start, `run ${i}`).toBe(want.start);
    expect(got[i].alignScore).toBeCloseTo(want.alignScore, 5);
  });
}

it('aligns runs anywhere in the rows: later ones, back to back in reverse order, and apart', async () => {
  const d = 8;
  const data = unitRows(rng(200), 40, d);
  const m = 3;
  const clip = data.slice(22 * d, 25 * d);
  const aligner = new Aligner(d, 1);
  const one = await aligner.align(clip, m, data, 17, 12);
  expect(one).toEqual({ alignScore: expect.closeTo(1, 5), start: 5 });
  for (const runs of [[{ first: 20, count: 8 }, { first: 12, count: 8 }], [{ first: 30, count: 6 }, { first: 2, count: 9 }, { first: 20, count: 10 }]]) {
    expectAlignments(await aligner.alignRuns(clip, m, data, runs), clip, m, data, d, runs);
  }
  await aligner.release();
});

it('packs whole tracks into blocks of at most 32,768 rows', async () => {
  const d = 16;
  const data = unitRows(rng(201), 32_769, d);
  const clip = data.slice(0, d);
  const run = vi.spyOn(DenseSims.prototype, 'run');
  const aligner = new Aligner(d, 1);
  const runs = [{ first: 0, count: 16_384 }, { first: 16_384, count: 16_384 }, { first: 32_768, count: 1 }];
  expectAlignments(await aligner.alignRuns(clip, 1, data, runs), clip, 1, data, d, runs);
  expect(run.mock.calls.map((call) => call[3])).toEqual([32_768, 1]);
  await aligner.release();
});

it('passes back-to-back runs in memory as a view, and reads the others into buffers the next query reuses', async () => {
  const d = 16;
  const data = unitRows(rng(202), 32_800, d);
  const m = 2;
  const clip = data.slice(100 * d, 102 * d);
  const run = vi.spyOn(DenseSims.prototype, 'run');
  const aligner = new Aligner(d, 1);
  const together = [{ first: 90, count: 10 }, { first: 100, count: 20 }];
  expectAlignments(await aligner.alignRuns(clip, m, data, together), clip, m, data, d, together);
  expect(run.mock.calls[0][2].buffer === data.buffer, 'a view of the rows').toBe(true);
  // Apart, a whole block's worth (32,768 rows) twice: the same two buffers both times.
  const apart = [{ first: 0, count: 16_384 }, { first: 16_400, count: 16_384 }];
  for (let query = 0; query < 2; query++) expectAlignments(await aligner.alignRuns(clip, m, data, apart), clip, m, data, d, apart);
  const [, first, second] = run.mock.calls;
  // Identity compared as booleans: a failed toBe would print two multi-megabyte arrays.
  expect(first[2].buffer === data.buffer, 'rows apart are copied').toBe(false);
  expect(second[2] === first[2], 'the same row buffer').toBe(true);
  expect(second[4] === first[4], 'the same similarity buffer').toBe(true);
  expect(first[4] === run.mock.calls[0][4], 'the similarity buffer of the first query').toBe(true);
  await aligner.release();
});

it('reads a back-to-back run of a store on disk in one read', async () => {
  const d = 4;
  const data = unitRows(rng(203), 60, d);
  const reads: Array<[number, number]> = [];
  const disk: SegmentRows = {
    dim: d,
    rowView: () => null,
    readRows: (first, count, into) => {
      reads.push([first, count]);
      into.set(data.subarray(first * d, (first + count) * d));
    },
  };
  const m = 2;
  const clip = data.slice(30 * d, 32 * d);
  const aligner = new Aligner(d, 1);
  const together = [{ first: 10, count: 15 }, { first: 25, count: 15 }, { first: 40, count: 5 }];
  expectAlignments(await aligner.alignRuns(clip, m, disk, together), clip, m, data, d, together);
  expect(reads).toEqual([[10, 35]]);
  reads.length = 0;
  const apart = [{ first: 0, count: 5 }, { first: 28, count: 6 }];
  expectAlignments(await aligner.alignRuns(clip, m, disk, apart), clip, m, data, d, apart);
  expect(reads).toEqual([[0, 5], [28, 6]]);
  await aligner.release();
});
