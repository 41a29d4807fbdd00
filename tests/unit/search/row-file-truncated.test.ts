/** A row file that changes under its reader: sizes in the refusal, and a file cut short mid-read. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';

const dir = mkdtempSync(join(tmpdir(), 'needledrop-row-file-cut-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dim = 4;
const rowBytes = dim * 4;

function tenRows(name: string): string {
  const path = join(dir, name);
  const writer = new RowFileWriter(path, dim);
  writer.append(Float32Array.from({ length: 10 * dim }, (_, i) => i));
  writer.close();
  return path;
}

it('says how many bytes the rows need when the size is wrong', () => {
  const path = join(dir, 'short.f32');
  writeFileSync(path, new Uint8Array(100));
  expect(() => RowFile.open(path, dim, 10)).toThrow(`${path}: holds 100 bytes, expected 10 rows × 4 float32 = 160: the segment index is damaged`);
});

it('refuses rows cut off by a file truncated after opening, at the byte where it ends', () => {
  const path = tenRows('cut.f32');
  const file = RowFile.open(path, dim, 10);
  // 7 whole rows and 8 bytes (two floats) of the 8th remain.
  truncateSync(path, 7 * rowBytes + 8);
  const into = new Float32Array(5 * dim);
  expect(() => file.read(5, 5, into)).toThrow(`${path}: ended early at byte ${7 * rowBytes + 8}: the segment index is damaged`);
  // What was there was read into place: rows 5 and 6 and the first half of row 7.
  expect(Array.from(into.subarray(0, 2 * dim + 2))).toEqual(Array.from({ length: 2 * dim + 2 }, (_, i) => 5 * dim + i));
  // Rows before the cut still read.
  const early = new Float32Array(2 * dim);
  file.read(3, 2, early);
  expect(Array.from(early)).toEqual(Array.from({ length: 2 * dim }, (_, i) => 3 * dim + i));
  file.close();
});
