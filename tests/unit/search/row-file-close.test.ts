/**
 * The row file's descriptors and its row-range check at the edges: closing the writer and the
 * reader leaves no descriptor open on the file (counted in /proc/self/fd, Linux only), a read of
 * zero rows is allowed, a negative count is refused naming the file.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RowFile, RowFileWriter } from '../../../electron/engine/search/row-file';

const dir = mkdtempSync(join(tmpdir(), 'nd-row-file-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Descriptors of this process open on `path` (other threads' files are not counted). */
function openOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // A descriptor closed while listing.
    }
  }
  return n;
}

function written(name: string): string {
  const path = join(dir, name);
  const w = new RowFileWriter(path, 2);
  w.append(Float32Array.of(1, 2, 3, 4, 5, 6));
  w.close();
  return path;
}

it.runIf(process.platform === 'linux')('leaves no descriptor open on the file once the writer and the reader are closed', () => {
  const path = join(dir, 'fds.f32');
  const w = new RowFileWriter(path, 2);
  expect(openOn(path)).toBe(1);
  w.append(Float32Array.of(1, 2, 3, 4));
  w.close();
  expect(openOn(path)).toBe(0);
  const f = RowFile.open(path, 2, 2);
  expect(openOn(path)).toBe(1);
  f.close();
  expect(openOn(path)).toBe(0);
  // A second close is harmless.
  f.close();
  expect(openOn(path)).toBe(0);
});

it('reads zero rows without complaint, and refuses a negative count naming the file', () => {
  const path = written('counts.f32');
  const f = RowFile.open(path, 2, 3);
  const into = Float32Array.of(9, 9);
  f.read(3, 0, into);
  f.read(0, 0, into);
  expect(Array.from(into)).toEqual([9, 9]);
  expect(() => f.read(1, -1, into)).toThrow(`${path}: rows 1..0 are outside its 3 rows`);
  f.read(1, 1, into);
  expect(Array.from(into)).toEqual([3, 4]);
  f.close();
});
