/**
 * Review R1.10: saved playlists can be listed, renamed and deleted (CLI and engine), a CLI run can
 * leave them alone (--no-save), and a saved playlist stored again keeps its id.
 * Review R3.8: a blank new name exited 2 with the usage line (it is a value refused: exit 1, naming
 * the playlist); a playlist named with a number ("2") could not be named, a bare number was always an id. Real CLI processes
 * on a real catalog of generated tones; truths read from the catalog's tables with SQL.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { needledropWithEnv, type CliResult } from '../helpers/cli';
import { withEngine } from '../helpers/engine';
import { sine, tempDir } from '../helpers/media';

interface Row { id: number; name: string; created_at: number; items: string | null }

describe('saved playlists: list, rename, delete, --no-save', () => {
  let dir = '';
  let home = '';
  let cleanup: () => Promise<void>;
  let seed = '';
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  /** Rows of an SQL query on the catalog, read-only. */
  const sql = <T>(query: string, ...args: unknown[]): T[] => {
    const db = openCatalog(join(home, 'catalog.sqlite'), { readonly: true });
    try {
      return db.prepare(query).all(...args) as T[];
    } finally {
      db.close();
    }
  };
  /** The playlists table as SQL sees it, each with its items in order. */
  const rows = (): Row[] =>
    sql<Row>('SELECT p.id, p.name, p.created_at, (SELECT group_concat(track_id) FROM (SELECT track_id FROM playlist_items i WHERE i.playlist_id = p.id ORDER BY position)) AS items FROM playlists p ORDER BY p.id');
  const count = (query: string, ...args: unknown[]): number => sql<{ n: number }>(query, ...args)[0].n;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-playlists-'));
    home = join(dir, 'home');
    mkdirSync(home);
    const lib = join(dir, 'lib');
    mkdirSync(lib);
    const files = [];
    for (const freq of [220, 330, 440, 550, 660]) files.push(await sine(lib, { seconds: 9, freq, name: `tone-${freq}.wav` }));
    seed = files[0];
    const r = await cli('index', lib, '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);
  afterAll(() => cleanup());

  it('--no-save builds and writes nothing to the catalog; a plain run saves one', async () => {
    const tried = await cli('playlist', '--seed', seed, '--length', '3', '--no-save', '--json');
    expect(tried.code, tried.stderr).toBe(0);
    expect(JSON.parse(tried.stdout)).toMatchObject({ id: null });
    expect(tried.stdout).not.toContain('"id": 1');
    expect(tried.stderr).toContain('playlist: not saved (--no-save)');
    expect(rows()).toEqual([]);

    for (let i = 0; i < 2; i++) {
      const kept = await cli('playlist', '--seed', seed, '--length', '3');
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stderr).toContain(`playlist: saved in the catalog as #${i + 1} "More like tone-220.wav"`);
    }
    expect(rows().map((r) => [r.id, r.name, r.items?.split(',').length])).toEqual([
      [1, 'More like tone-220.wav', 3],
      [2, 'More like tone-220.wav', 3],
    ]);
  }, 120_000);

  it('--list shows every saved playlist with its id, length and name', async () => {
    const json = await cli('playlist', '--list', '--json');
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { playlists: Array<{ id: number; name: string; length: number; createdAt: number }> };
    expect(listed.playlists).toEqual(rows().map((r) => ({ id: r.id, name: r.name, length: r.items!.split(',').length, createdAt: r.created_at })));
    const text = await cli('playlist', '--list');
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+TRACKS\s+SAVED\s+NAME$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).filter((c, i) => i !== 2).map((c) => c.trim()))).toEqual([
      ['#1', '3', 'More like tone-220.wav'],
      ['#2', '3', 'More like tone-220.wav'],
    ]);
  }, 60_000);

  it('--delete without --yes says what would go and changes nothing; a shared name is refused with the ids', async () => {
    const before = rows();
    const dry = await cli('playlist', '--delete', '1');
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/^playlist: would delete playlist #1 "More like tone-220\.wav" \(3 tracks, saved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d .+\); its tracks stay in the catalog; nothing was changed: add --yes to delete it\n$/);
    const shared = await cli('playlist', '--delete', 'More like tone-220.wav', '--yes');
    expect(shared.code).toBe(1);
    expect(shared.stderr).toContain('2 saved playlists are named "More like tone-220.wav" (#1, #2): give the id of the one you mean');
    expect(rows()).toEqual(before);
  }, 60_000);

  it('--rename gives a new name by id; --delete --yes removes by name, the tracks stay', async () => {
    const tracks = count('SELECT count(*) AS n FROM tracks');
    const renamed = await cli('playlist', '--rename', '#2', 'Evening walk');
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toBe('renamed playlist #2 "More like tone-220.wav" to "Evening walk"\n');
    const [one, two] = rows();
    expect(two.name).toBe('Evening walk');

    const gone = await cli('playlist', '--delete', 'Evening walk', '--yes', '--json');
    expect(gone.code, gone.stderr).toBe(0);
    expect(JSON.parse(gone.stdout)).toMatchObject({ deleted: true, playlist: { id: 2, name: 'Evening walk', length: 3 } });
    expect(rows()).toEqual([one]);
    expect(count('SELECT count(*) AS n FROM tracks')).toBe(tracks);
    expect(count('SELECT count(*) AS n FROM playlist_items WHERE playlist_id = 2')).toBe(0);
  }, 60_000);

  it('refuses what names nothing, blank names and mixed options', async () => {
    const none = await cli('playlist', '--delete', '9', '--yes');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no saved playlist is #9 or named "9" in the catalog: `needledrop playlist --list` shows them');
    const noName = await cli('playlist', '--rename', 'nothing like this');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('give the new name after --rename ID|NAME');
    const blank = await cli('playlist', '--rename', '1', '   ');
    expect(blank.code).toBe(1);
    expect(blank.stderr).toBe('needledrop playlist: playlist #1 "More like tone-220.wav" keeps its name: the new name must not be blank\n');
    for (const args of [['--yes'], ['--list', '--seed', seed], ['--list', '--delete', '1'], ['--seed', seed, '--length', '3', '--yes']]) {
      const r = await cli('playlist', ...args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(rows().map((r) => r.name)).toEqual(['More like tone-220.wav']);
  }, 120_000);

  it('a name over the engine\'s 200 characters is a value refused: exit 1 naming it and the limit, no usage line (it was exit 2 with it)', async () => {
    const long = 'n'.repeat(201);
    const shown = `"${'n'.repeat(40)}…"`;
    const tooLong = await cli('playlist', '--rename', '1', long);
    expect(tooLong.stderr).toBe(`needledrop playlist: playlist #1 "More like tone-220.wav" keeps its name: the new name ${shown} is 201 characters long: at most 200\n`);
    expect(tooLong.code).toBe(1);
    const built = await cli('playlist', '--seed', seed, '--length', '3', '--name', long);
    expect(built.stderr).toBe(`needledrop playlist: --name ${shown} is 201 characters long: at most 200\n`);
    expect(built.code).toBe(1);
    expect((await cli('playlist', '--seed', seed, '--length', '3', '--name', 'n'.repeat(200), '--no-save')).code).toBe(0);
    expect(rows().map((r) => r.name)).toEqual(['More like tone-220.wav']);
  }, 120_000);

  it('a bare number is the id or the name, whichever exists; both at once is refused naming both; "#N" is the id', async () => {
    const before = rows();
    const made = async (name: string): Promise<number> => {
      const r = await cli('playlist', '--seed', seed, '--length', '2', '--name', name);
      expect(r.code, r.stderr).toBe(0);
      return Number(/saved in the catalog as #(\d+) /.exec(r.stderr)![1]);
    };
    const [first] = before;
    // Names chosen from the ids as SQL gives them: one no playlist has as id, one that is another's id.
    const free = Math.max(...before.map((r) => r.id)) + 50;
    const freeOne = await made(String(free));
    const clash = await made(String(first.id));
    expect(rows().map((r) => r.id)).not.toContain(free);

    const byName = await cli('playlist', '--delete', String(free));
    expect(byName.code).toBe(1);
    expect(byName.stderr).toContain(`would delete playlist #${freeOne} "${free}" (2 tracks`);
    const both = await cli('playlist', '--delete', String(first.id), '--yes');
    expect(both.code).toBe(1);
    expect(both.stderr).toBe(
      `needledrop playlist: "${first.id}" is both the id of #${first.id} "${first.name}" and the name of #${clash} "${first.id}": give #${first.id} or #${clash}\n`,
    );
    const asId = await cli('playlist', '--delete', `#${first.id}`);
    expect(asId.code).toBe(1);
    expect(asId.stderr).toContain(`would delete playlist #${first.id} "${first.name}"`);
    // A playlist named with its own id is that one, unambiguously.
    const own = await cli('playlist', '--rename', String(freeOne), String(freeOne));
    expect(own.code, own.stderr).toBe(0);
    const self = await cli('playlist', '--rename', String(freeOne), 'Own id');
    expect(self.code, self.stderr).toBe(0);
    expect(self.stdout).toBe(`renamed playlist #${freeOne} "${freeOne}" to "Own id"\n`);
    expect(rows().filter((r) => r.id !== first.id).map((r) => [r.id, r.name])).toEqual([[freeOne, 'Own id'], [clash, String(first.id)]]);

    for (const id of [freeOne, clash]) expect((await cli('playlist', '--delete', `#${id}`, '--yes')).code).toBe(0);
    expect(rows()).toEqual(before);
  }, 180_000);

  it('the engine stores a saved playlist again under its id, and refuses ids it does not have', async () => {
    await withEngine(home, { confined: true }, async (engine, events) => {
      const [p] = rows();
      const items = p.items!.split(',').map(Number);
      const again = await engine.call('playlist.save', { id: p.id, name: 'Mine', trackIds: [items[2], items[0]], params: { kind: 'edited' } });
      expect(again).toEqual({ id: p.id });
      expect(rows()).toEqual([{ id: p.id, name: 'Mine', created_at: p.created_at, items: `${items[2]},${items[0]}` }]);
      expect(await engine.call('playlist.get', { id: p.id })).toMatchObject({ params: { kind: 'edited' } });
      expect(events.filter((e) => e.type === 'changed' && e.what === 'playlists')).toHaveLength(1);

      await expect(engine.call('playlist.save', { id: 77, name: 'x', trackIds: items })).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('playlist 77 does not exist') });
      await expect(engine.call('playlist.rename', { id: 77, name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
      await expect(engine.call('playlist.delete', { id: 77 })).rejects.toMatchObject({ code: 'not-found' });
      await expect(engine.call('playlist.rename', { id: p.id, name: ' \t' })).rejects.toMatchObject({ code: 'invalid-request' });
      await expect(engine.call('playlist.delete', { id: 0 })).rejects.toMatchObject({ code: 'invalid-request' });
      expect(await engine.call('playlist.rename', { id: p.id, name: '  Late night ' })).toMatchObject({ id: p.id, name: 'Late night', length: 2 });
      expect(await engine.call('playlist.delete', { id: p.id })).toMatchObject({ id: p.id, name: 'Late night', length: 2 });
      expect(rows()).toEqual([]);
      expect(await engine.call('playlist.list')).toEqual([]);
    });
  }, 60_000);
});
