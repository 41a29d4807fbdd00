// The segment rows file: a round trip, and each misuse named with the file and the cause.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';

const dir = mkdtempSync(join(tmpdir(), 'nd-row-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8 rows of dim 3 written in two appends; row r holds r·10 + [0, 1, 2]. */
function written(name: string): string {
  const path = join(dir, name);
  const w = new RowFileWriter(path, 3);
  const rows = Float32Array.from({ length: 24 }, (_, i) => Math.floor(i / 3) * 10 + (i % 3));
  w.append(rows.subarray(0, 9));
  w.append(rows.subarray(9));
  expect(w.rows).toBe(8);
  w.close();
  return path;
}

it('reads back any run of rows it wrote', () => {
  const f = RowFile.open(written('a.f32'), 3, 8);
  const into = new Float32Array(6);
  f.read(5, 2, into);
  expect(Array.from(into)).toEqual([50, 51, 52, 60, 61, 62]);
  f.close();
});

it('names the file and the cause: missing, rows outside, read after close', () => {
  const missing = join(dir, 'none.f32');
  expect(() => RowFile.open(missing, 3, 8)).toThrow(`${missing}: cannot open the segment rows (ENOENT`);
  const path = written('b.f32');
  const f = RowFile.open(path, 3, 8);
  expect(() => f.read(5, 4, new Float32Array(12))).toThrow(`${path}: rows 5..9 are outside its 8 rows`);
  expect(() => f.read(-1, 1, new Float32Array(3))).toThrow('rows -1..0 are outside');
  f.close();
  expect(() => f.read(0, 1, new Float32Array(3))).toThrow(`${path}: the segment rows were closed`);
  f.close(); // twice is harmless
});
