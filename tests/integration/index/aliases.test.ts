/**
 * Review R13: a folder reached through a symlink (~/Music → /data/music) was catalogued a second
 * time, every song twice in match, playlists and the map; overlapping roots reported the ignored
 * files twice. One file is one track, whatever path reaches it.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

describe('one file, several paths', () => {
  let root = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('aliases');
    makeAudio(join(root, 'data', 'music', 'a.ogg'), { freq: 220 });
    makeAudio(join(root, 'data', 'music', 'deep', 'b.mp3'), { freq: 330 });
    writeFileSync(join(root, 'data', 'music', 'cover.jpg'), 'not audio');
    mkdirSync(join(root, 'home'));
    symlinkSync(join(root, 'data', 'music'), join(root, 'home', 'Music'));
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('overlapping roots: each file and each ignored name once', async () => {
    const music = join(root, 'data', 'music');
    const r = await indexLibrary(db, [music, join(music, 'deep'), `${music}/`], { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 2, failed: [] });
    expect(r.ignored).toEqual([{ path: join(music, 'cover.jpg'), reason: expect.stringContaining('not named like an audio file') }]);
  });

  it('the same folder through a link: no second track, each alias named with the path it is', async () => {
    const link = join(root, 'home', 'Music');
    const r = await indexLibrary(db, [link], { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, removed: 0, failed: [] });
    const aliases = r.ignored.filter((i) => i.reason.includes('the same file as'));
    expect(aliases.map((a) => [a.path, a.reason.slice(0, a.reason.indexOf(' (another path'))])).toEqual([
      [join(link, 'a.ogg'), `the same file as ${join(root, 'data', 'music', 'a.ogg')}`],
      [join(link, 'deep', 'b.mp3'), `the same file as ${join(root, 'data', 'music', 'deep', 'b.mp3')}`],
    ]);
    expect(listTracks(db).map((t) => t.path).sort()).toEqual([join(root, 'data', 'music', 'a.ogg'), join(root, 'data', 'music', 'deep', 'b.mp3')]);
    // A real copy (its own file) is still a track of its own.
    makeAudio(join(root, 'home', 'copy-of-a.ogg'), { freq: 220 });
    const copy = await indexLibrary(db, [join(root, 'home')], { jobs: 1, components: testComponents('stats-v1') });
    expect(copy.indexed).toBe(1);
    expect(listTracks(db)).toHaveLength(3);
  });
});
