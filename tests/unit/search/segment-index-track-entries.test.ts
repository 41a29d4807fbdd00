/**
 * The per-entry check of an on-disk index's track table (tracks.f64), at its edges: id 0 and a
 * one-segment track are whole, valid entries and open without a rebuild; a negative id, or a count
 * of 0 made up elsewhere so the total still matches, is damage naming the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadSegmentIndex, openSegmentIndex, writeSegmentIndex, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { rng, track, unitRows, trackInfo } from './synthetic';

const d = 8;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-index-entries-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const info = trackInfo;

it('opens a table with track id 0 and a one-segment track as written, without a rebuild', async () => {
  const list = (): IndexTrack[] => [
    track(0, unitRows(rng(1), 1, d), d),
    track(5, unitRows(rng(2), 3, d), d),
  ];
  await writeSegmentIndex(dir, 'k', d, list());
  const table = Array.from(new Float64Array(new Uint8Array(readFileSync(join(dir, 'tracks.f64'))).buffer));
  expect(table).toEqual([0, 1, 5, 3]);
  const loaded = await loadSegmentIndex(dir, 'k', d, list, info);
  expect(loaded.built).toBe(false);
  expect([0, 1].map((slot) => loaded.store.rowCount(slot))).toEqual([1, 3]);
  await loaded.close();
});

for (const [name, edit, shown] of [
  ['a negative id', (t: Float64Array) => (t[2] = -2), 'id -2 with 7 segments'],
  ['a count of 0 with the total kept', (t: Float64Array) => ((t[3] = 0), (t[5] = 12)), 'id 2 with 0 segments'],
] as const) {
  it(`calls ${name} damage, naming tracks.f64`, async () => {
    await writeSegmentIndex(dir, 'k', d, [4, 7, 5].map((n, i) => track(i + 1, unitRows(rng(40 + i), n, d), d)));
    const path = join(dir, 'tracks.f64');
    const table = new Float64Array(new Uint8Array(readFileSync(path)).buffer);
    edit(table);
    writeFileSync(path, new Uint8Array(table.buffer));
    await expect(openSegmentIndex(dir, 'k', info)).rejects.toMatchObject({ kind: 'input', file: path, message: expect.stringContaining(shown) });
  });
}
