/**
 * A track longer than one similarity block (32,768 segments, ~9 hours) is aligned in one piece:
 * the clip, copied from its segments 35,000–35,002, is found there with cosine 1, whether the
 * rows are a view in memory or read from a row file on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Aligner } from '../../../electron/engine/search/align';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';
import { rng, unitRows } from './synthetic';

const d = 4;
const n = 40_000;
const at = 35_000;
const m = 3;
const rows = unitRows(rng(41), n, d);
const clip = rows.slice(at * d, (at + m) * d);
const dir = mkdtempSync(join(tmpdir(), 'needledrop-long-track-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('finds the clip in a track of 40,000 segments held in memory', async () => {
  const aligner = new Aligner(d, 1);
  const [a] = await aligner.alignRuns(clip, m, rows, [{ first: 0, count: n }]);
  expect(a.start).toBe(at);
  expect(a.alignScore).toBeCloseTo(1, 5);
  await aligner.release();
});

it('finds it too when the rows are read from disk into the aligner buffer', async () => {
  const path = join(dir, 'rows.f32');
  const writer = new RowFileWriter(path, d);
  writer.append(rows);
  writer.close();
  const file = RowFile.open(path, d, n);
  const onDisk = { dim: d, rowView: () => null, readRows: (first: number, count: number, into: Float32Array) => file.read(first, count, into) };
  const aligner = new Aligner(d, 1);
  // Two runs: a short one first, so the buffer grows for the long one.
  const [short, long] = await aligner.alignRuns(clip, m, onDisk, [{ first: at - 1, count: 5 }, { first: 0, count: n }]);
  expect(short.start).toBe(1);
  expect(long.start).toBe(at);
  expect(long.alignScore).toBeCloseTo(1, 5);
  file.close();
  await aligner.release();
});
