/**
 * Review R4.1: a file moved out of a sub-folder it leaves empty was reported "1 moved" and "1 unavailable
 * (kept)", with a warning that the folder is empty but its track is kept (an unplugged drive?), though the
 * catalog had just moved the track to its new path. The empty-folder check ran before the move was found.
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

const ids = (db: Catalog): Record<string, number> => Object.fromEntries(listTracks(db).map((t) => [t.path, t.id]));
const index = (db: Catalog, root: string) => indexLibrary(db, [root], { jobs: 1, components: testComponents('stats-v1') });

describe('a file moved out of the folder it leaves empty', () => {
  let root = '';
  let lib = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('moved-from-empty');
    lib = join(root, 'lib');
    makeAudio(join(lib, 'from', 'waltz.ogg'), { freq: 220 });
    makeAudio(join(lib, 'to', 'other.ogg'), { freq: 330 });
    makeAudio(join(lib, 'pair', 'a.ogg'), { freq: 440 });
    makeAudio(join(lib, 'pair', 'b.ogg'), { freq: 550 });
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('is moved only: not also unavailable, no empty-folder warning', async () => {
    expect(await index(db, lib)).toMatchObject({ indexed: 4, failed: [] });
    const before = ids(db);
    renameSync(join(lib, 'from', 'waltz.ogg'), join(lib, 'to', 'waltz.ogg'));
    const r = await index(db, lib);
    expect(r).toMatchObject({ indexed: 0, unchanged: 3, moved: 1, removed: 0, unavailable: 0, failed: [] });
    expect(ids(db)[join(lib, 'to', 'waltz.ogg')]).toBe(before[join(lib, 'from', 'waltz.ogg')]);
    expect(ids(db)[join(lib, 'from', 'waltz.ogg')]).toBeUndefined();
  });

  it('of two tracks in a folder left empty, the one moved is moved and the one gone is kept and counted alone', async () => {
    const before = ids(db);
    renameSync(join(lib, 'pair', 'a.ogg'), join(lib, 'to', 'a.ogg'));
    renameSync(join(lib, 'pair', 'b.ogg'), join(root, 'b-away.ogg')); // out of the library: an unplugged drive's file, as far as the scan can tell
    const r = await index(db, lib);
    expect(r).toMatchObject({ moved: 1, removed: 0, unavailable: 1 });
    expect(r.failed).toEqual([{ path: join(lib, 'pair'), reason: expect.stringMatching(/^the folder is empty, but 1 catalogued track was in it /) }]);
    expect(ids(db)[join(lib, 'to', 'a.ogg')]).toBe(before[join(lib, 'pair', 'a.ogg')]);
    expect(ids(db)[join(lib, 'pair', 'b.ogg')]).toBe(before[join(lib, 'pair', 'b.ogg')]);
  });
});
