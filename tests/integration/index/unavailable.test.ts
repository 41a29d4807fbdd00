/**
 * Review R4: a folder the scan cannot read, or a library folder that comes back empty (an unplugged
 * drive's mount point), removed every catalogued track under it, and with them their places in
 * saved playlists and the user's accept/reject feedback (both cascade from the track row). Such
 * tracks are now "unavailable": kept as they are, the same ids when the folder is back.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../../helpers/cli';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { addFeedback, listFeedback } from '../../../electron/engine/catalog/feedback';
import { createPlaylist, getPlaylist } from '../../../electron/engine/catalog/playlists';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

const REPO = resolve(import.meta.dirname, '../../..');
const ids = (db: Catalog): Record<string, number> => Object.fromEntries(listTracks(db).map((t) => [t.path, t.id]));

describe('a library folder that comes back empty', () => {
  let root = '';
  let db: Catalog;
  beforeAll(() => {
    root = tempDir('empty-root');
    makeAudio(join(root, 'drive', 'a.ogg'), { freq: 220 });
    makeAudio(join(root, 'drive', 'deep', 'b.mp3'), { freq: 330 });
    makeAudio(join(root, 'home', 'c.wav'), { freq: 440 });
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps its tracks, their playlist places and feedback, and finds them unchanged under the same ids when it is back', async () => {
    const drive = join(root, 'drive');
    const roots = [drive, join(root, 'home')];
    expect(await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') })).toMatchObject({ indexed: 3, removed: 0, unavailable: 0 });
    const before = ids(db);
    const a = before[join(drive, 'a.ogg')];
    const playlist = createPlaylist(db, 'mine', [a, before[join(drive, 'deep', 'b.mp3')], before[join(root, 'home', 'c.wav')]]);
    addFeedback(db, { clipPath: '/clips/x.mp4', clipStart: null, clipEnd: null, trackId: a, offset: 4, verdict: 'accept' });

    renameSync(drive, join(root, 'unplugged'));
    mkdirSync(drive); // the mount point stays behind
    const r = await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, unchanged: 1, removed: 0, unavailable: 2 });
    expect(r.failed).toEqual([{ path: drive, reason: expect.stringMatching(/the folder is empty, but 2 catalogued tracks were in it .*: kept until the folder is back; to drop them, remove the folder with its tracks \(Library, or needledrop index --forget DIR --yes\)$/) }]);
    expect(ids(db)).toEqual(before);
    expect(getPlaylist(db, playlist)?.trackIds).toHaveLength(3);
    expect(listFeedback(db).map((f) => f.trackId)).toEqual([a]);

    rmSync(drive, { recursive: true });
    renameSync(join(root, 'unplugged'), drive);
    expect(await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') })).toMatchObject({ indexed: 0, unchanged: 3, removed: 0, unavailable: 0, failed: [] });
    expect(ids(db)).toEqual(before);
  });

  it('an empty mount point inside a library folder keeps its tracks too; a folder that is gone does not (review R19)', async () => {
    const roots = [join(root, 'drive'), join(root, 'home')];
    const deep = join(root, 'drive', 'deep');
    // A second track in it: every one is counted (review R24: the count said 1 for a folder of 2).
    makeAudio(join(deep, 'c.flac'), { freq: 550 });
    expect(await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') })).toMatchObject({ indexed: 1, removed: 0 });
    const before = ids(db);
    renameSync(deep, join(root, 'deep-away'));
    mkdirSync(deep); // the share is down, its mount point stays
    const r = await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ indexed: 0, removed: 0, unavailable: 2 });
    expect(r.failed).toEqual([{ path: deep, reason: expect.stringContaining('the folder is empty, but 2 catalogued tracks were in it') }]);
    expect(r.failed[0].reason).toContain('delete the empty folder to drop them');
    expect(ids(db)).toEqual(before);
    rmSync(deep, { recursive: true });
    renameSync(join(root, 'deep-away'), deep);
    expect(await indexLibrary(db, roots, { jobs: 1, components: testComponents('stats-v1') })).toMatchObject({ unchanged: 4, removed: 0, unavailable: 0 });
    expect(ids(db)).toEqual(before);
  });

  it('still removes a sub-folder the user deleted from a root that has other files', async () => {
    rmSync(join(root, 'drive', 'deep'), { recursive: true });
    const r = await indexLibrary(db, [join(root, 'drive'), join(root, 'home')], { jobs: 1, components: testComponents('stats-v1') });
    expect(r).toMatchObject({ removed: 2, unavailable: 0, failed: [] });
    expect(listTracks(db)).toHaveLength(2);
  });
});

// Root reads every folder whatever its mode, so the CLI runs as `nobody` there (setpriv).
const asRoot = process.getuid?.() === 0;
const canDrop = !asRoot || spawnSync('setpriv', ['--version']).status === 0;

describe.skipIf(!canDrop || process.platform === 'win32')('a folder the scan cannot read (through the CLI)', () => {
  let root = '';
  beforeAll(() => {
    root = tempDir('unreadable');
    makeAudio(join(root, 'lib', 'music', 'a.ogg'), { freq: 220 });
    makeAudio(join(root, 'lib', 'music', 'b.mp3'), { freq: 330 });
    makeAudio(join(root, 'lib', 'c.wav'), { freq: 440 });
    mkdirSync(join(root, 'home'));
    chmodSync(root, 0o755);
    if (asRoot) execFileSync('chown', ['-R', 'nobody:nogroup', root]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const cli = (...args: string[]): { status: number | null; out: string; err: string } => {
    const command = [process.execPath, ...cliArgv(...args)];
    const [file, ...argv] = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command;
    const run = spawnSync(file, argv, { cwd: REPO, encoding: 'utf8', env: { ...process.env, NEEDLEDROP_HOME: join(root, 'home') }, timeout: 180_000 });
    return { status: run.status, out: run.stdout, err: run.stderr };
  };

  it('keeps the tracks under it, the playlist that holds them, and their ids once it is readable again', () => {
    const lib = join(root, 'lib');
    const first = cli('index', lib, '--jobs', '1', '--json');
    expect(first.err).not.toContain('internal error');
    expect(JSON.parse(first.out)).toMatchObject({ indexed: 3, removed: 0 });
    const saved = cli('playlist', '--seed', join(lib, 'music', 'a.ogg'), '--length', '2', '--name', 'mine', '--json');
    expect(saved.status).toBe(0);
    const playlistId: number = JSON.parse(saved.out).id;
    const catalog = join(root, 'home', 'catalog.sqlite');
    const snapshot = (): { tracks: Record<string, number>; items: number } => {
      const db = openCatalog(catalog);
      try {
        return { tracks: ids(db), items: getPlaylist(db, playlistId)?.trackIds.length ?? -1 };
      } finally {
        db.close();
      }
    };
    const before = snapshot();
    expect(before.items).toBe(2);

    chmodSync(join(lib, 'music'), 0o000);
    try {
      const r = cli('index', lib, '--jobs', '1', '--json');
      expect(r.status).toBe(0);
      const report = JSON.parse(r.out);
      expect(report).toMatchObject({ indexed: 0, unchanged: 1, removed: 0, unavailable: 2 });
      expect(report.failed).toEqual([{ path: join(lib, 'music'), reason: 'folder not readable (permission denied)' }]);
      expect(snapshot()).toEqual(before);
    } finally {
      chmodSync(join(lib, 'music'), 0o755);
    }
    expect(JSON.parse(cli('index', lib, '--jobs', '1', '--json').out)).toMatchObject({ indexed: 0, unchanged: 3, removed: 0, unavailable: 0, failed: [] });
    expect(snapshot()).toEqual(before);
  });
});
