/**
 * Review S11: where a corpus may be written. `corpus --out` a file crashed (ENOTDIR: exit 70,
 * "internal error" and a stack; code "internal" over the API), and any existing folder, the data
 * folder or one of the user's own, was filled with manifest.json, video/ and music/. A corpus goes
 * only into a new or empty folder or the folder of an earlier corpus; the data folder and library
 * folders are refused, saying why. Real CLI processes and a real engine; the accepted corpora are tiny.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import { MANIFEST_NAME } from '../../../electron/engine/corpus/generate';
import { needledropWithEnv } from '../../helpers/cli';
import { withEngine } from '../../helpers/engine';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let home: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-corpus-out-');
  home = join(tmp.dir, 'home');
  mkdirSync(home);
});
afterAll(async () => {
  await tmp.cleanup();
});

const cli = (...args: string[]) => needledropWithEnv({ NEEDLEDROP_HOME: home }, 'corpus', ...args, '--pairs', '10', '--seed', '1');
const refusal = async (p: Promise<unknown>): Promise<EngineError> => {
  const err = await p.then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(err instanceof EngineError)) throw err;
  return err;
};

describe('needledrop corpus --out (CLI)', () => {
  it('a file is bad input (exit 1) saying it is a file, not a folder, and the file is left as it was', async () => {
    const file = join(tmp.dir, 'afile');
    writeFileSync(file, 'hi\n');
    const r = await cli('--out', file);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${file}: is a file, not a folder`);
    expect(r.stderr).not.toMatch(/internal error|ENOTDIR|\n\s+at /);
    expect(readFileSync(file, 'utf8')).toBe('hi\n');
  }, 120_000);

  it("a folder holding the user's own files is refused, naming them, and nothing is added to it", async () => {
    const mine = join(tmp.dir, 'cx');
    mkdirSync(mine);
    writeFileSync(join(mine, 'mine.txt'), 'my notes\n');
    const r = await cli('--out', mine);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${mine}: holds other files (mine.txt) and no corpus`);
    expect(readdirSync(mine)).toEqual(['mine.txt']);
  }, 120_000);

  it('the data folder is refused, saying it is the data folder', async () => {
    const before = readdirSync(home).sort();
    const r = await cli('--out', home);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${home}: is Needledrop's data folder`);
    expect(readdirSync(home)).not.toContain(MANIFEST_NAME);
    expect(readdirSync(home).filter((f) => f === 'video' || f === 'music')).toEqual([]);
    expect(before).not.toContain(MANIFEST_NAME);
  }, 120_000);
});

describe('the corpus operation over the API', () => {
  const TINY = { pairs: 1, seed: 3, clipSeconds: 0.5, trackSeconds: 0.5, jobs: 1 };

  it('refuses a file, the data folder and library folders as bad input; takes a new folder, an empty one and its own corpus again', async () => {
    const data = join(tmp.dir, 'api-data');
    const library = join(tmp.dir, 'music');
    mkdirSync(join(library, 'sub'), { recursive: true });
    await withEngine(data, { confined: false }, async (engine) => {
      await engine.call('library.addFolder', { path: library });
      const catalog = join(data, 'catalog.sqlite');
      const cases: Array<[string, string]> = [
        [catalog, `${catalog}: is a file, not a folder`],
        [data, `${data}: is Needledrop's data folder`],
        [library, `${library}: is a library folder: the corpus's synthetic tracks would be indexed as your music`],
        [join(library, 'sub'), `${join(library, 'sub')}: is inside the library folder ${library}`],
      ];
      for (const [out, says] of cases) {
        const err = await refusal(runJob(engine, 'corpus', { ...TINY, out }));
        expect(err.code, err.message).toBe('bad-input');
        expect(err.message).toContain(says);
      }
      expect(readdirSync(library).sort()).toEqual(['sub']);
      expect(readdirSync(join(library, 'sub'))).toEqual([]);

      // Allowed: a new folder inside the data folder (the Train screen's default), an empty folder, and a corpus resumed.
      const empty = join(tmp.dir, 'empty');
      mkdirSync(empty);
      for (const out of [join(data, 'corpus'), empty, empty]) {
        const made = await runJob(engine, 'corpus', { ...TINY, out });
        expect(made.pairs).toBe(1);
        expect(readdirSync(out)).toContain(MANIFEST_NAME);
      }
    });
  }, 120_000);
});
