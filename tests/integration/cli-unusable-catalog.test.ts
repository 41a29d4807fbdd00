/**
 * Review R2: `match` and `fit` on a catalog that is not a database exited 13 with nothing printed
 * (a job was registered as running before its catalog row failed, and the CLI's close waited on it
 * while node drained its event loop). Through the real CLI process: the message names the catalog
 * and its cause, the exit code is 1, and the file is left as it was.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli';
import { tempDir } from '../helpers/media';

const repo = resolve(import.meta.dirname, '../..');
const clip = resolve(repo, '../shared/media/video/chaplin.mp4');

describe('CLI on an unusable catalog', () => {
  let home = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir('needledrop-garbled-'));
    home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'catalog.sqlite'), 'hello, not a database\n');
  });
  afterAll(() => cleanup());

  it.each([['match', clip], ['fit', clip, '1']])('%s says which catalog is unusable and exits 1', (...args) => {
    const run = spawnSync(process.execPath, cliArgv(...args), {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, NEEDLEDROP_HOME: home },
      timeout: 120_000,
    });
    expect(run.stderr).toContain(`${join(home, 'catalog.sqlite')}: not a usable catalog (file is not a database)`);
    expect(run.status).toBe(1);
    expect(readFileSync(join(home, 'catalog.sqlite'), 'utf8')).toBe('hello, not a database\n');
  });
});
