/**
 * A worker thread that dies on one file (out of memory, a native crash) must fail that file only:
 * its batch-mates are analysed again one by one and indexed, as with one file per task.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { makeAudio, tempDir } from './fixtures/media';

const dirs: string[] = [];
const catalogs: Catalog[] = [];
afterAll(() => {
  catalogs.forEach((c) => c.close());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

it.each([1, 8])('a worker crash on one file fails only that file (batches of %i)', async (batch) => {
  const dir = tempDir('worker-crash');
  dirs.push(dir);
  const names = ['a.ogg', 'b.ogg', 'crash-c.ogg', 'd.ogg', 'e.ogg', 'f.ogg'];
  names.forEach((n, i) => makeAudio(join(dir, 'lib', n), { freq: 300 + 50 * i, seconds: 2 }));
  const db = openCatalog(join(dir, 'catalog.sqlite'));
  catalogs.push(db);
  const components = { module: new URL('./fixtures/crash-components.ts', import.meta.url).href };
  const r = await indexLibrary(db, [join(dir, 'lib')], { jobs: 1, batch, components });
  expect(r.failed.map((f) => f.path.slice(dir.length + 5))).toEqual(['crash-c.ogg']);
  expect(r.failed[0].reason).toMatch(/^internal error: /);
  expect(r.indexed).toBe(5);
  expect(listTracks(db).map((t) => t.path.slice(dir.length + 5)).sort()).toEqual(names.filter((n) => !n.startsWith('crash-')));
}, 120_000);
