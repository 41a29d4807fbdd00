/**
 * Opening an on-disk segment index when something is wrong: a table file of the wrong size, with an entry not a whole number, or
 * whose counts miss the rows is damage (an input error naming it, and loadSegmentIndex rebuilds),
 * while any other failure while opening (a bug, a cancel) is passed on, not hidden by a rebuild.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { cancelledError, NeedledropError } from '../../../electron/engine/errors';
import { loadSegmentIndex, openSegmentIndex, writeSegmentIndex, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { SegmentStore } from '../../../electron/engine/search/segment-store';
import { rng, track, unitRows, trackInfo } from './synthetic';

const d = 8;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-index-open-errors-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});
const info = trackInfo;
// Tracks 1, 2, 3 of 4, 7 and 5 segments: 16 in all.
const list = (): IndexTrack[] => [4, 7, 5].map((n, i) => track(i + 1, unitRows(rng(40 + i), n, d), d));

it('names a table file of the wrong size as damage', async () => {
  await writeSegmentIndex(dir, 'k', d, list());
  const starts = join(dir, 'starts.f32');
  truncateSync(starts, 20);
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toMatchObject({ kind: 'input', file: starts, message: `${starts}: holds 20 bytes, expected 64: the segment index is damaged` });
  const tracks = join(dir, 'tracks.f64');
  truncateSync(tracks, 40);
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toMatchObject({ kind: 'input', file: tracks, message: `${tracks}: holds 40 bytes, expected 48: the segment index is damaged` });
});

it('calls a track table whose counts miss the rows damage, and rebuilds the index', async () => {
  await writeSegmentIndex(dir, 'k', d, list());
  const tracks = join(dir, 'tracks.f64');
  const table = new Float64Array(new Uint8Array(readFileSync(tracks)).buffer);
  expect(Array.from(table)).toEqual([1, 4, 2, 7, 3, 5]);
  table[3] = 6; // same size, one segment short
  writeFileSync(tracks, new Uint8Array(table.buffer));
  await expect(openSegmentIndex(dir, 'k', info)).rejects.toMatchObject({ kind: 'input', file: tracks, message: `${tracks}: counts 15 segments, meta.json 16: the segment index is damaged` });
  const repaired = await loadSegmentIndex(dir, 'k', d, list, info);
  expect(repaired.built).toBe(true);
  expect([0, 1, 2].map((slot) => repaired.store.rowCount(slot))).toEqual([4, 7, 5]);
  await repaired.close();
});

it('calls a track table entry that is not a whole number damage, even when the counts still add up', async () => {
  // Stride 2: the scan file's size (ceil(count / 2) columns per track) does not show the damage either.
  await writeSegmentIndex(dir, 'k', d, list(), { stride: 2 });
  const tracks = join(dir, 'tracks.f64');
  const good = new Uint8Array(readFileSync(tracks));
  for (const [entry, what] of [[3, 'count 7'], [2, 'id 2']] as const) {
    const table = new Float64Array(good.slice().buffer);
    // One bit flipped, the lowest of the mantissa: 7 becomes 7 + 2^-50, and 4 + that + 5 still rounds to 16.
    new BigUint64Array(table.buffer)[entry] ^= 1n;
    expect(table[1] + table[3] + table[5]).toBe(16);
    writeFileSync(tracks, new Uint8Array(table.buffer));
    await expect(openSegmentIndex(dir, 'k', info), what).rejects.toMatchObject({ kind: 'input', file: tracks, message: `${tracks}: slot 1 holds id ${table[2]} with ${table[3]} segments, not a whole id ≥ 0 and count ≥ 1: the segment index is damaged` });
  }
  writeFileSync(tracks, good);
  const opened = await openSegmentIndex(dir, 'k', info);
  expect([0, 1, 2].map((slot) => opened!.store.rowCount(slot))).toEqual([4, 7, 5]);
  await opened!.close();
});

it('passes on a failure while opening that is not damage, without rebuilding', async () => {
  await writeSegmentIndex(dir, 'k', d, list());
  const metaBefore = readFileSync(join(dir, 'meta.json'), 'utf8');
  const rebuild = vi.fn(list);
  for (const failure of [new Error('a bug'), new NeedledropError('internal', 'an internal bug'), cancelledError('opening')]) {
    vi.spyOn(SegmentStore, 'onDisk').mockImplementationOnce(() => {
      throw failure;
    });
    await expect(loadSegmentIndex(dir, 'k', d, rebuild, info)).rejects.toBe(failure);
  }
  expect(rebuild).not.toHaveBeenCalled();
  // The index is untouched and still opens.
  expect(readFileSync(join(dir, 'meta.json'), 'utf8')).toBe(metaBefore);
  const opened = await loadSegmentIndex(dir, 'k', d, rebuild, info);
  expect(opened.built).toBe(false);
  await opened.close();
});
