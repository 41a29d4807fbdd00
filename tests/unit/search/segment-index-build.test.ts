/**
 * Building an on-disk segment index: a cancel while its tracks are read stops the reading there
 * and says what it stopped; the scan's quantising reports progress and can be cancelled too;
 * nothing to index is an internal error; and no file of the index is left open, built or failed.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { AnnBuildProgress } from '../../../electron/engine/search/types';
import { loadSegmentIndex, writeSegmentIndex, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { rng, track, unitRows, trackInfo } from './synthetic';

const d = 8;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nd-index-build-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const info = trackInfo;
const tracks = (n: number): IndexTrack[] => Array.from({ length: n }, (_, i) => track(i + 1, unitRows(rng(60 + i), 5 + i, d), d));

/** Files of `dir` this process holds open (Linux: /proc/self/fd). */
function openFilesIn(folder: string): string[] {
  const fds = '/proc/self/fd';
  const paths: string[] = [];
  for (const fd of readdirSync(fds)) {
    try {
      paths.push(readlinkSync(join(fds, fd)));
    } catch {
      // closed while listing
    }
  }
  return paths.filter((p) => p.startsWith(folder));
}

it('stops reading tracks when cancelled, and says what it stopped', async () => {
  const controller = new AbortController();
  const given = tracks(4);
  let pulled = 0;
  async function* source(): AsyncGenerator<IndexTrack> {
    for (const t of given) {
      pulled++;
      yield t;
      if (pulled === 2) controller.abort();
    }
  }
  await expect(writeSegmentIndex(dir, 'k', d, source(), { signal: controller.signal })).rejects.toMatchObject({ kind: 'cancelled', message: 'building the segment index cancelled' });
  expect(pulled).toBe(3); // the third track was read, then the loop stopped
  expect(openFilesIn(dir)).toEqual([]);
});

it('reports the quantising progress over every segment, and stops when cancelled there', async () => {
  const given = tracks(5);
  const segments = given.reduce((s, t) => s + t.embeddings.length / d, 0);
  const reports: AnnBuildProgress[] = [];
  await writeSegmentIndex(dir, 'k', d, given, { onProgress: (p) => reports.push(p) });
  expect(reports.length).toBeGreaterThan(0);
  expect(reports.at(-1)).toMatchObject({ done: segments, total: segments });

  const controller = new AbortController();
  const again = join(dir, 'again');
  await expect(
    writeSegmentIndex(again, 'k', d, given, { signal: controller.signal, onProgress: () => controller.abort() }),
  ).rejects.toMatchObject({ kind: 'cancelled' });
});

it('calls an index of no tracks an internal error', async () => {
  await expect(writeSegmentIndex(dir, 'k', d, [])).rejects.toMatchObject({ kind: 'internal', message: `${dir}: a segment index needs at least one track` });
});

it('leaves no file of the index open, built or failed', async () => {
  const given = tracks(3);
  await writeSegmentIndex(dir, 'k', d, given);
  expect(openFilesIn(dir)).toEqual([]);
  await expect(writeSegmentIndex(dir, 'k2', d, [given[0], given[1], given[0]])).rejects.toMatchObject({ kind: 'internal' });
  expect(openFilesIn(dir)).toEqual([]);
  const opened = await loadSegmentIndex(dir, 'k3', d, () => given, info);
  expect(openFilesIn(dir)).toContain(join(dir, 'rows.f32'));
  await opened.close();
  expect(openFilesIn(dir)).toEqual([]);
});
