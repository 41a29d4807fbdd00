/**
 * A file whose content changed and then fails to analyse must lose its old analysis (issue 16:
 * keeping the stale analysis passed every index test). Otherwise match and playlists would keep
 * offering the old music under a path that now holds something else.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { getSegments } from '../../../electron/engine/catalog/segments';
import { listTracks, trackByPath } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

let root: string;
let db: Catalog;
const version = 'stats-v1';
const index = () => indexLibrary(db, [root], { jobs: 1, components: testComponents(version) });

beforeAll(() => {
  root = tempDir('stale');
  makeAudio(join(root, 'keep.wav'), { freq: 330 });
  makeAudio(join(root, 'song.mp3'), { freq: 440 });
  db = openCatalog(join(root, 'catalog.sqlite'));
});
afterAll(() => {
  db?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

it('drops the old analysis of a changed file whose re-analysis fails, and keeps the others', async () => {
  const song = join(root, 'song.mp3');
  expect(await index()).toMatchObject({ indexed: 2, failed: [] });
  const old = trackByPath(db, song)!;
  expect(getFeatures(db, old.id)).toBeDefined();
  expect(getSegments(db, old.id, version)).toBeDefined();

  // Same name, new content that cannot be decoded (a download that went wrong).
  writeFileSync(song, randomBytes(20_000));
  const r = await index();
  expect(r.failed.map((f) => f.path)).toEqual([song]);
  expect(trackByPath(db, song)).toBeUndefined();
  expect(getFeatures(db, old.id)).toBeUndefined();
  expect(getSegments(db, old.id, version)).toBeUndefined();
  expect(listTracks(db).map((t) => t.path)).toEqual([join(root, 'keep.wav')]);

  // Still broken on the next run: still failed, still absent; fixed: indexed again.
  expect((await index()).failed.map((f) => f.path)).toEqual([song]);
  expect(trackByPath(db, song)).toBeUndefined();
  makeAudio(song, { freq: 550 });
  expect(await index()).toMatchObject({ indexed: 1, failed: [] });
  expect(trackByPath(db, song)).toBeDefined();
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
});
