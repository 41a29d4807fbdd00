/**
 * Review R4.5: a wrong value on the command line was found only after work. `playlist --energy
 * "low,banana"` read the library's vectors first (a failed job row), `playlist … --m3u` with a
 * missing folder, a name that is not .m3u8/.m3u or an existing file was refused only after the
 * playlist was built (a done job row), and `train --loss nosuchloss` failed the started job. Each is
 * now refused before any job: exit 1 (a value refused, README "Exit codes": not the command line's
 * shape, so no usage line) naming the flag or file, the job table and the music-space cache untouched.
 *
 * Real CLI on a real SQLite catalog of 6 generated tracks (stored features and mood segments,
 * empty files): no media is decoded.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { needledropSync } from '../helpers/cli';
import { moodRows, rng } from '../unit/search/synthetic';
import { placeAlbumFile, saveAlbumTrack } from './similarity/album-tracks';

let root = '';
let home = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-refused-before-work-'));
  home = join(root, 'home');
  mkdirSync(home);
  const db = openCatalog(join(home, 'catalog.sqlite'));
  const moods = moodRows(rng(5), 6, 128, 1);
  for (let t = 0; t < 6; t++) {
    placeAlbumFile(join(root, 'music'), 0, t);
    saveAlbumTrack(db, 0, t, { modelVersion: 'base', data: moods.slice(t * 128, (t + 1) * 128), dim: 128 }, join(root, 'music'));
  }
  db.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: home }, ...args);

/** Job rows the CLI runs left in the catalog (none: nothing was started). */
function jobRows(): Array<{ kind: string; state: string }> {
  const db = openCatalog(join(home, 'catalog.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT kind, state FROM jobs').all() as Array<{ kind: string; state: string }>;
  } finally {
    db.close();
  }
}

/** Exit 1 with exactly this one line (no usage line), and no job started, no vectors made. */
function refusedBeforeWork(r: ReturnType<typeof cli>, command: string, line: string): void {
  expect(r.stderr).toBe(`needledrop ${command}: ${line}\n`);
  expect(r.status).toBe(1);
  expect(jobRows()).toEqual([]);
  expect(existsSync(join(home, 'music-space')), 'no music-space vectors written').toBe(false);
}

describe('CLI: a wrong value is refused before any work (review R4.5)', () => {
  it('playlist --energy with a word that is no level', () => {
    refusedBeforeWork(
      cli('playlist', '--energy', 'low,banana', '--length', '5', '--no-save'),
      'playlist',
      '--energy "low,banana": energy level "banana" is not low, mid, high or a number in [0, 1]',
    );
  }, 60_000);

  it('playlist --m3u in a folder that is not there, not named .m3u8/.m3u, or existing without --force', () => {
    const missing = join(root, 'nonexistent', 'x.m3u8');
    refusedBeforeWork(cli('playlist', '--energy', 'low,high', '--length', '3', '--no-save', '--m3u', missing), 'playlist', `${missing}: its folder ${join(root, 'nonexistent')} does not exist`);
    const ogg = join(root, 'music', 'album0', 't0.ogg');
    refusedBeforeWork(cli('playlist', '--energy', 'low,high', '--length', '3', '--no-save', '--m3u', ogg), 'playlist', `${ogg}: a playlist file must be named .m3u8 or .m3u`);
    const existing = join(root, 'old.m3u8');
    writeFileSync(existing, '#EXTM3U\n');
    refusedBeforeWork(cli('playlist', '--seed', '1', '--length', '3', '--no-save', '--m3u', existing), 'playlist', `${existing}: already exists (pass --force to overwrite it)`);
  }, 60_000);

  it('train --loss and eval --losses with a name that is no loss; train --version that is no version name', () => {
    const corpus = join(root, 'no-corpus');
    const losses = /^one of contrastive, .*infonce.*, circle$/;
    for (const [command, args, flag] of [
      ['train', ['--corpus', corpus, '--version', 'v1', '--loss', 'nosuchloss'], '--loss'],
      ['eval', ['--corpus', corpus, '--losses', 'infonce,nosuchloss'], '--losses'],
    ] as const) {
      const r = cli(command, ...args);
      const [said, rest] = r.stderr.replace(/\n$/, '').split(': one of ');
      expect(said).toBe(`needledrop ${command}: ${flag} "nosuchloss" is not a loss`);
      expect(`one of ${rest}`).toMatch(losses);
      expect(r.status).toBe(1);
      expect(jobRows()).toEqual([]);
    }
    refusedBeforeWork(cli('train', '--corpus', corpus, '--version', '../evil'), 'train', '--version "../evil" must be letters, digits, ".", "_" or "-" (at most 64)');
  }, 60_000);
});
