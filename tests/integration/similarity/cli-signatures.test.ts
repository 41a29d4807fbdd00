/**
 * `needledrop index --signatures`: the CLI's way to the production signatures the app computes
 * after every scan by itself. Real CLI process, ffmpeg, SQLite; the truth is the files we made.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';
import { makeTwoGroups } from '../explore/fixture';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('nd-cli-signatures-'));
  mkdirSync(join(dir, 'music'));
  await makeTwoGroups(join(dir, 'music'), 1, 6);
}, 120_000);
afterAll(() => cleanup?.());

const index = async (...extra: string[]): Promise<Record<string, unknown>> => {
  // Its own data folder: the signature cache lives there, keyed by content, and must start empty.
  const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(dir, 'home') }, 'index', join(dir, 'music'), '--db', join(dir, 'catalog.db'), '--json', ...extra);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('needledrop index --signatures', () => {
  it('computes one signature per new track, none for tracks that have one, and none without the flag', async () => {
    const plain = await index();
    expect(plain.indexed).toBe(2);
    expect(plain).not.toHaveProperty('signatures');
    expect((await index('--signatures')).signatures).toBe('production signatures: 2 computed, 0 without one');
    expect((await index('--signatures')).signatures).toBe('production signatures: 0 computed, 0 without one');
  }, 300_000);
});
