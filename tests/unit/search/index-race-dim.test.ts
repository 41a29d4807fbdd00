/**
 * Two processes building one key with different embedding sizes: the other finishes first, so
 * its index (dim 4) is kept, and ours (dim 8) cannot be opened from it — an internal error naming
 * the folder, not a silent wrong-size index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadSegmentIndexIn, type IndexTrack } from '../../../electron/engine/search/segment-index';
import { rng, track, unitRows, trackInfo } from './synthetic';

const root = mkdtempSync(join(tmpdir(), 'needledrop-index-race-dim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const info = trackInfo;

it('refuses to use another size of index that won the race for the same key', async () => {
  const dir = join(root, 'race');
  async function* ours(): AsyncGenerator<IndexTrack> {
    const other = await loadSegmentIndexIn(dir, 'k', 4, () => [track(7, unitRows(rng(1), 5, 4), 4)], info);
    await other.close();
    yield track(1, unitRows(rng(2), 5, 8), 8);
  }
  await expect(loadSegmentIndexIn(dir, 'k', 8, ours, info)).rejects.toMatchObject({ kind: 'internal', message: expect.stringMatching(/: the segment index just written does not open$/) });
});
