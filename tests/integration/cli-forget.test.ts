/**
 * Review R26 through the real CLI process: `needledrop index --forget DIR` drops the catalogued
 * tracks under DIR (not those of a sibling sharing its name prefix), which no scan of other
 * folders ever removes.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { needledropWithEnv, type CliResult } from '../helpers/cli';
import { sine, tempDir } from '../helpers/media';

describe('needledrop index --forget', () => {
  let dir = '';
  let home = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  const paths = (): string[] => {
    const db = openCatalog(join(home, 'catalog.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT f.path FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path').all() as Array<{ path: string }>).map((r) => r.path);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-forget-'));
    home = join(dir, 'home');
    mkdirSync(home);
    for (const d of ['a', 'ab']) mkdirSync(join(dir, 'lib', d), { recursive: true });
  });
  afterAll(() => cleanup());

  it('drops the tracks under the folder and keeps the sibling’s', async () => {
    const a = [await sine(join(dir, 'lib', 'a'), { seconds: 3, freq: 330, name: 'x.wav' }), await sine(join(dir, 'lib', 'a'), { seconds: 3, freq: 440, name: 'y.wav' })];
    const ab = [await sine(join(dir, 'lib', 'ab'), { seconds: 3, freq: 550, name: 'x.wav' })];
    const indexed = await cli('index', join(dir, 'lib', 'a'), join(dir, 'lib', 'ab'), '--jobs', '1');
    expect(indexed.code, indexed.stderr).toBe(0);
    expect(paths()).toEqual([...a, ...ab].sort());

    // Review R33: without --yes it says what would go and changes nothing (a parent folder would take everything).
    const asked = await cli('index', '--forget', dir, '--json');
    expect(asked.code).toBe(1);
    expect(JSON.parse(asked.stdout)).toEqual({ wouldForget: [{ folder: dir, tracks: 3, kept: 0, keptUnder: [] }], catalogTracks: 3 });
    expect(asked.stderr).toContain(`index: --forget ${dir} would drop 3 tracks (the whole catalog), with their places in saved playlists and their feedback; nothing was changed: add --yes to drop them`);
    expect(paths()).toEqual([...a, ...ab].sort());

    const r = await cli('index', '--forget', join(dir, 'lib', 'a'), '--yes', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ forgotten: [{ folder: join(dir, 'lib', 'a'), dropped: 2, kept: 0 }] });
    expect(paths()).toEqual(ab);

    const plain = await cli('index', '--forget', join(dir, 'lib', 'ab'), '--yes');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toBe(`index: forgot ${join(dir, 'lib', 'ab')}: 1 track dropped with their playlist items and feedback\n`);
    expect(paths()).toEqual([]);
  }, 180_000);

  // Review R1.18: a subfolder of a library folder read 'would drop 0 tracks' without why, and invited --yes (which did nothing).
  it('a subfolder of a library folder: says its tracks stay and why, and does not invite --yes', async () => {
    const lib = join(dir, 'lib2');
    const nested = join(lib, 'nested');
    mkdirSync(nested, { recursive: true });
    const top = await sine(lib, { seconds: 3, freq: 330, name: 'top.wav' });
    const inside = [await sine(nested, { seconds: 3, freq: 440, name: 'x.wav' }), await sine(nested, { seconds: 3, freq: 550, name: 'y.wav' })];
    const indexed = await cli('index', lib, '--jobs', '1');
    expect(indexed.code, indexed.stderr).toBe(0);
    const before = paths();
    expect(before).toEqual(expect.arrayContaining([top, ...inside]));

    const asked = await cli('index', '--forget', nested);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toBe(
      `index: --forget ${nested} would drop no track: its 2 tracks stay: they are under the library folder ${lib} (a scan would add them back); ` +
        `to leave them out, move them or forget ${lib}; nothing was changed\n`,
    );
    expect(asked.stderr).not.toContain('--yes');
    const json = await cli('index', '--forget', nested, '--json');
    expect(JSON.parse(json.stdout)).toEqual({ wouldForget: [{ folder: nested, tracks: 0, kept: 2, keptUnder: [lib] }], catalogTracks: before.length });
    expect(paths()).toEqual(before);
  }, 180_000);

  it('is a usage error without a folder or with scan options', async () => {
    for (const args of [['--forget'], ['--forget', dir, '--jobs', '2'], [dir, '--yes']]) {
      const r = await cli('index', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^needledrop index: (give at least one folder to forget|--forget drops tracks and scans nothing|--yes confirms --forget)/);
    }
  });
});
