/**
 * Review R4.2: a data folder that cannot be made (NEEDLEDROP_HOME a file, under a file, or in a
 * folder that cannot be written) was "internal error: EEXIST … mkdir" (ENOENT for a read-only disk)
 * with a stack and exit 70. Through the real CLI: one line naming the folder and the cause, exit 1.
 * Review R4.3: a catalog in a read-only data folder (or a read-only catalog file) was "not a usable
 * catalog (unable to open database file)", as if damaged; now the folder (or file) and why, for the
 * commands that write; those that only read open it read-only (tests/integration/catalog/read-only-folder).
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canDropRoot, needledropUnprivileged, needledropWithEnv } from '../helpers/cli';
import { openCatalog } from '../../electron/engine/catalog/db';
import { tempDir } from '../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let lib: string;
let file: string;

beforeAll(async () => {
  tmp = await tempDir('needledrop-data-folder-');
  chmodSync(tmp.dir, 0o755);
  lib = join(tmp.dir, 'lib');
  mkdirSync(lib);
  file = join(tmp.dir, 'filehome');
  writeFileSync(file, 'x\n');
});
afterAll(() => tmp?.cleanup());

/** The CLI's answer is this line, with no stack and no internal error. */
function expectOneLine(stderr: string, line: string): void {
  expect(stderr).toContain(`${line}\n`);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('a data folder that cannot be made', () => {
  it('NEEDLEDROP_HOME is a file: says so, exit 1', async () => {
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: file }, 'index', lib);
    expectOneLine(r.stderr, `needledrop index: ${file}: cannot make the data folder (it is a file, not a folder)`);
    expect(r.code).toBe(1);
  }, 120_000);

  it('NEEDLEDROP_HOME under a file: names the file in the way, exit 1', async () => {
    const home = join(file, 'sub', 'home');
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', lib);
    expectOneLine(r.stderr, `needledrop index: ${home}: cannot make the data folder (${file} is a file, not a folder)`);
    expect(r.code).toBe(1);
  }, 120_000);

  // Root ignores file modes: the read-only parent is only read-only to a user whose modes apply (nobody, via setpriv).
  it.skipIf(!canDropRoot() || process.platform === 'win32')('NEEDLEDROP_HOME in a folder that cannot be written: permission denied there, exit 1', async () => {
    const ro = join(tmp.dir, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(ro, 0o555);
    const home = join(ro, 'home');
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'index', lib);
    expectOneLine(r.stderr, `needledrop index: ${home}: cannot make the data folder (permission denied in ${ro})`);
    expect(r.code).toBe(1);
  }, 120_000);
});

// Root ignores file modes: these run the CLI as nobody (setpriv), for whom a root-owned 555 folder or 644 file is read-only.
describe.skipIf(!canDropRoot() || process.platform === 'win32')('a catalog that cannot be written', () => {
  /** A real, cleanly closed WAL catalog (no -wal or -shm left) in a new folder of `mode`. */
  function catalogIn(name: string, mode: number): { home: string; catalog: string; bytes: Buffer } {
    const home = join(tmp.dir, name);
    mkdirSync(home);
    const catalog = join(home, 'catalog.sqlite');
    openCatalog(catalog).close();
    chmodSync(catalog, 0o644);
    chmodSync(home, mode);
    return { home, catalog, bytes: readFileSync(catalog) };
  }

  it('read-only data folder: playlist --list reads the catalog (read-only, nothing written), index names the folder, exit 1', async () => {
    const { home, catalog, bytes } = catalogIn('rohome', 0o555);
    // Read-only commands read it (review R4.3 rest: they failed too, where only writing needs the folder).
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'playlist', '--list');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('no saved playlists\n');
    expect(readFileSync(catalog).equals(bytes)).toBe(true);
    expect(readdirSync(home)).toEqual(['catalog.sqlite']);
    // index lists the folder in the settings first (review R4.9): the same folder, named as read-only there.
    const index = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'index', lib);
    expectOneLine(index.stderr, `needledrop index: ${home}: the data folder is read-only (permission denied): the settings cannot be saved`);
    expect(index.code).toBe(1);
  }, 120_000);

  it('read-only catalog file in a writable folder: index says the file is read-only, exit 1', async () => {
    const { home, catalog } = catalogIn('rofile', 0o777);
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'index', lib);
    expectOneLine(r.stderr, `needledrop index: ${catalog}: the catalog file is read-only (permission denied): make it writable`);
    expect(r.code).toBe(1);
  }, 120_000);
});
