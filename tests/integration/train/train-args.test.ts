/**
 * Review S12.6 and S12.7, through the real CLI process. A version name the request schema refuses
 * was reported as 'needledrop train: train: "version" must be …' (the operation twice, and a request
 * field where the user typed a flag). `--parent ghost` was accepted and recorded: the version listed
 * a parent that does not exist, and rolling back to it would point at nothing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine } from '../../../scripts/cli/errors';
import { needledropWithEnv, type CliResult } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let home: string;
let corpus: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-train-args-');
  home = join(tmp.dir, 'home');
  mkdirSync(home);
  // No corpus here: a request that got past the checks of its names fails on it instead ("no corpus manifest").
  corpus = join(tmp.dir, 'no-corpus');
});
afterAll(async () => {
  await tmp.cleanup();
});

const cli = (...args: string[]) => needledropWithEnv({ NEEDLEDROP_HOME: home }, 'train', '--corpus', corpus, ...args);
const firstLine = (r: CliResult): string => r.stderr.split('\n')[0];

describe('needledrop train: names', () => {
  it('a version name the schema refuses names the --version flag, once, with the value: a value refused (exit 1), not a usage error', async () => {
    const r = await cli('--version', '../evil');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('needledrop train: --version "../evil" must be letters, digits, ".", "_" or "-" (at most 64)\n');
  }, 60_000);

  it('a --parent name the schema refuses is the same: exit 1, the flag and its value named', async () => {
    const r = await cli('--version', 'ok', '--parent', '../base');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('needledrop train: --parent "../base" must be letters, digits, ".", "_" or "-" (at most 64)\n');
  }, 60_000);

  it('a --parent that is no model version is refused before the corpus is read, and nothing is written', async () => {
    const r = await cli('--version', 'pp', '--parent', 'ghost');
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toBe('needledrop train: no model version "ghost" to be the parent of "pp" (see `needledrop models list`)');
    expect(existsSync(join(home, 'models', 'pp'))).toBe(false);
    // An installed version (the shipped base) is a parent: the run goes on to the corpus.
    const ok = await cli('--version', 'pp', '--parent', 'base');
    expect(firstLine(ok)).toContain(`${corpus}/manifest.json: no corpus manifest here`);
  }, 60_000);
});

describe('errorLine: a refused request field as the flag the user typed', () => {
  const usage = 'needledrop x --out-dir DIR --clip-seconds S [--version NAME]';
  it('names the flag of a field the usage line has (camelCase as kebab-case), and leaves other messages whole', () => {
    expect(errorLine({ code: 'invalid-request', message: 'x: "clipSeconds" must be at most 600' }, usage)).toBe('--clip-seconds must be at most 600');
    expect(errorLine({ code: 'invalid-request', message: 'x: "version" must be short' }, usage)).toBe('--version must be short');
    // --out is not --out-dir; a nested field and a message without a field stay as the engine said them.
    expect(errorLine({ code: 'invalid-request', message: 'x: "out" must be absolute' }, usage)).toBe('x: "out" must be absolute');
    expect(errorLine({ code: 'invalid-request', message: 'x: "folders.0" must be a path' }, usage)).toBe('x: "folders.0" must be a path');
    expect(errorLine({ code: 'bad-input', message: 'x: "version" must be short' }, usage)).toBe('x: "version" must be short');
    // With the command line: the value the flag was given (the last one, either spelling), and a length in words.
    const argv = ['--version', 'a', '--clip-seconds=700', '--version', 'b'];
    expect(errorLine({ code: 'invalid-request', message: 'x: "version" must be short' }, usage, argv)).toBe('--version "b" must be short');
    expect(errorLine({ code: 'invalid-request', message: 'x: "clipSeconds" must be at most 600' }, usage, argv)).toBe('--clip-seconds "700" must be at most 600');
    expect(errorLine({ code: 'invalid-request', message: 'x: "version" Invalid length: Expected <=64 but received 65' }, usage)).toBe('--version is 65 characters long: at most 64');
    expect(errorLine({ code: 'invalid-request', message: 'x: "version" Invalid length: Expected >=1 but received 0' }, usage)).toBe('--version must not be empty');
  });
});
