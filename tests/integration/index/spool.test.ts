/**
 * An index run whose files are decoded alone (through the PCM spool on /dev/shm, in worker
 * threads) leaves no spool folder behind: each decode removes its own, whichever thread ran it.
 * Before this was checked, each worker thread kept an empty folder until the process ended.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { ownSpools, spoolRoot } from '../../../electron/engine/media/pcm-spool';
import { musicLike, tempDir } from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-index-spool-'));
  mkdirSync(join(dir, 'lib'));
  // Two files for two workers: one file a worker, so each is decoded alone (analyzeTrack's path, the spool).
  await musicLike(join(dir, 'lib'), { seconds: 20, name: 'a.mp3' });
  await musicLike(join(dir, 'lib'), { seconds: 25, bpm: 100, name: 'b.mp3' });
}, 120_000);
afterAll(() => cleanup?.());

describe.skipIf(spoolRoot() === null || process.env.NEEDLEDROP_PCM_SPOOL === 'off')('indexing through the PCM spool', () => {
  it('leaves no spool folder of this process after a run with two workers', async () => {
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      const r = await indexLibrary(db, [join(dir, 'lib')], { jobs: 2 });
      expect(r.indexed).toBe(2);
      expect(r.failed).toEqual([]);
    } finally {
      db.close();
    }
    expect(ownSpools()).toEqual([]);
  }, 120_000);
});
