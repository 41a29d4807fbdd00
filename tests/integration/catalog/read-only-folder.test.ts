/**
 * Review R4.3: in a read-only data folder every command failed, even those that only read, since a
 * WAL catalog's reader needs catalog.sqlite-shm beside it. Now reads open it read-only: through the
 * -wal and -shm a writer keeps there (another process with a writable view of the folder), else, for
 * a cleanly closed catalog, as immutable; a -wal without its -shm is refused, not read stale; writes
 * name the read-only folder. The real CLI in a real read-only bind mount (unshare -m; skipped where
 * mount namespaces are not allowed), answers compared with the same commands on the writable folder
 * and with the catalog's tables read by SQL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { createPlaylist } from '../../../electron/engine/catalog/playlists';
import { cliArgv, needledropWithEnv, REPO_ROOT, type CliResult } from '../../helpers/cli';
import { sine, tempDir } from '../../helpers/media';

/** Whether this process may make a read-only bind mount in a mount namespace of its own (root, or a user namespace). */
function canMountReadOnly(): boolean {
  if (process.platform !== 'linux') return false;
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'd=$(mktemp -d) && mount --bind "$d" "$d" && mount -o remount,ro,bind "$d" && ! touch "$d/x" 2>/dev/null'], { encoding: 'utf8' });
  return r.status === 0;
}
const MOUNTS = canMountReadOnly();
if (!MOUNTS) console.warn('read-only-folder: skipped, this machine does not allow `unshare -m` with a read-only bind mount');

let tmp: { dir: string; cleanup: () => Promise<void> };
let home = '';
let view = '';
let lib = '';
let seed = '';
const catalogOf = (dir: string): string => join(dir, 'catalog.sqlite');

/** The CLI with NEEDLEDROP_HOME=`view`, a read-only bind mount of `home` in a mount namespace of its own. */
function readOnlyCli(...args: string[]): Promise<CliResult> {
  const mount = 'mount --bind "$1" "$2" && mount -o remount,ro,bind "$2" && shift 2 && exec "$@"';
  return new Promise((done) => {
    const p = spawn('unshare', ['-m', 'sh', '-c', mount, 'sh', home, view, process.execPath, ...cliArgv(...args)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: view },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The saved playlists as SQL reads them, as `playlist --list --json` lists them. Not a read-only
 * connection: that one leaves -wal and -shm behind, and the last read-write close removes them.
 */
function playlistRows(): Array<{ id: number; name: string; length: number; createdAt: number }> {
  const db = new Database(catalogOf(home), { fileMustExist: true });
  try {
    return db.prepare('SELECT p.id, p.name, (SELECT count(*) FROM playlist_items i WHERE i.playlist_id = p.id) AS length, p.created_at AS createdAt FROM playlists p ORDER BY p.id').all() as Array<{ id: number; name: string; length: number; createdAt: number }>;
  } finally {
    db.close();
  }
}

/** A writer holding the catalog open in `home` (the writable view) with a commit only in its -wal; resolves once it has committed. */
function liveWriter(name: string): Promise<ChildProcess> {
  const code = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('wal_autocheckpoint = 0');
const id = db.prepare("INSERT INTO playlists (name, params, created_at) VALUES (?, '{}', 1) RETURNING id").get(process.argv[2]).id;
db.prepare('INSERT INTO playlist_items (playlist_id, position, track_id) VALUES (?, 0, 1)').run(id);
console.log('committed');
setInterval(() => {}, 1000);
`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', code, catalogOf(home), name], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('committed')) resolve(p);
    });
    p.on('exit', (c) => reject(new Error(`the writer exited (${c})`)));
  });
}

function stopped(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((done) => {
    p.removeAllListeners('exit');
    p.on('exit', () => done());
    p.kill(signal);
  });
}

describe.skipIf(!MOUNTS)('a catalog in a read-only data folder (a read-only bind mount)', () => {
  let writable: { similar: unknown };

  beforeAll(async () => {
    tmp = await tempDir('needledrop-ro-folder-');
    home = join(tmp.dir, 'home');
    view = join(tmp.dir, 'view');
    lib = join(tmp.dir, 'lib');
    for (const d of [home, view, lib]) mkdirSync(d);
    const tones = [];
    for (const freq of [220, 440, 660]) tones.push(await sine(lib, { seconds: 9, freq, name: `tone-${freq}.wav` }));
    seed = tones[0];
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', lib, '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    const db = openCatalog(catalogOf(home));
    createPlaylist(db, 'saved before', [1, 2]);
    db.close();
    // The answer on the writable folder is the truth for the read-only one.
    const s = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'similar', seed, '--top', '2', '--json');
    expect(s.code, s.stderr).toBe(0);
    writable = { similar: (JSON.parse(s.stdout) as { results: unknown }).results };
  }, 240_000);
  afterAll(() => tmp?.cleanup());

  it('a cleanly closed catalog: similar and playlist --list answer as on the writable folder, and nothing is written', async () => {
    // A CLI run may exit with the catalog open (its -wal and -shm stay); the app's quit closes it: the last close removes them.
    new Database(catalogOf(home)).close();
    expect(readdirSync(home).filter((f) => f.startsWith('catalog.sqlite'))).toEqual(['catalog.sqlite']);
    const bytes = readFileSync(catalogOf(home));
    const similar = await readOnlyCli('similar', seed, '--top', '2', '--json');
    expect(similar.code, similar.stderr).toBe(0);
    expect((JSON.parse(similar.stdout) as { results: unknown }).results).toEqual(writable.similar);
    const list = await readOnlyCli('playlist', '--list', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { playlists: unknown }).playlists).toEqual(playlistRows());
    expect(playlistRows().map((p) => p.name)).toEqual(['saved before']);
    expect(readFileSync(catalogOf(home)).equals(bytes)).toBe(true);
    expect(readdirSync(home).filter((f) => f.startsWith('catalog.sqlite'))).toEqual(['catalog.sqlite']);
  }, 120_000);

  it('commands that write say the data folder is read-only, naming it, and change nothing', async () => {
    const bytes = readFileSync(catalogOf(home));
    const index = await readOnlyCli('index', lib);
    expect(index.code).toBe(1);
    expect(index.stderr).toContain(`${view} is read-only (the disk is read-only)`);
    const save = await readOnlyCli('playlist', '--seed', seed, '--length', '2');
    expect(save.code).toBe(1);
    expect(save.stderr).toContain(`needledrop playlist: ${catalogOf(view)}: the data folder ${view} is read-only (the disk is read-only): the catalog cannot be changed`);
    for (const r of [index, save]) expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readFileSync(catalogOf(home)).equals(bytes)).toBe(true);
  }, 120_000);

  it('a writer holding it open elsewhere: its commit still only in the -wal is read (not the stale main file)', async () => {
    const writer = await liveWriter('only in the wal');
    try {
      expect(existsSync(`${catalogOf(home)}-wal`) && existsSync(`${catalogOf(home)}-shm`)).toBe(true);
      const list = await readOnlyCli('playlist', '--list', '--json');
      expect(list.code, list.stderr).toBe(0);
      const listed = (JSON.parse(list.stdout) as { playlists: Array<{ name: string }> }).playlists;
      expect(listed).toEqual(playlistRows());
      expect(listed.map((p) => p.name)).toEqual(['saved before', 'only in the wal']);
    } finally {
      await stopped(writer, 'SIGTERM');
    }
  }, 120_000);

  it('a -wal left without its -shm is refused with the reason, not read without it', async () => {
    // A writer killed with a commit in its -wal, then its -shm lost: the main file alone lacks that commit.
    const writer = await liveWriter('killed in the wal');
    await stopped(writer, 'SIGKILL');
    rmSync(`${catalogOf(home)}-shm`);
    const list = await readOnlyCli('playlist', '--list', '--json');
    expect(list.code).toBe(1);
    expect(list.stderr).toContain(
      `needledrop playlist: ${catalogOf(view)}: the data folder ${view} is read-only (the disk is read-only): the catalog cannot be changed (SQLite writes catalog.sqlite-wal and catalog.sqlite-shm beside it); catalog.sqlite-wal is there without its catalog.sqlite-shm, so it cannot be read safely now: open it once where its folder can be written`,
    );
    // Where the folder can be written, SQLite reads the -wal and the commit is there.
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'playlist', '--list', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { playlists: Array<{ name: string }> }).playlists.map((p) => p.name)).toEqual(['saved before', 'only in the wal', 'killed in the wal']);
  }, 120_000);
});
