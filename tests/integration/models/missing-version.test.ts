/**
 * Review S4: `match --model NAME` and `similar --model NAME` with a version that does not exist
 * said to "index the library with NAME active", advice that fails (`models activate NAME`: no such
 * version). They now say what eval and activate say: no model version NAME (see models list). An
 * installed version whose segments the catalog lacks still gets the advice to embed them. Through
 * the real CLI, on a catalog of two generated tracks and a real clip.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv, type CliResult } from '../../helpers/cli';
import { sharedMediaDir, sine, tempDir, tones } from '../../helpers/media';
import { copyOfBase } from '../../helpers/model-versions';

describe('a model version that does not exist (review S4)', () => {
  let home = '';
  let track = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args);
  let clip = '';

  beforeAll(async () => {
    const media = await sharedMediaDir();
    if (!media) throw new Error('shared media not found (set NEEDLEDROP_SHARED_MEDIA)');
    clip = join(media, 'video', 'chaplin.mp4');
    let dir: string;
    ({ dir, cleanup } = await tempDir('needledrop-missing-model-'));
    home = join(dir, 'home');
    const lib = join(dir, 'lib');
    mkdirSync(home);
    mkdirSync(lib);
    track = await sine(lib, { seconds: 12, freq: 440 });
    await tones(lib, { seconds: 12, freqs: [220, 330, 550] });
    const r = await cli('index', lib);
    expect(r.code, r.stderr).toBe(0);
    // An installed version the catalog has no segments for: the shipped model's files under another name.
    copyOfBase(home, 'v1');
  }, 120_000);
  afterAll(() => cleanup());

  it.each([
    ['match', () => [clip]],
    ['similar', () => [track]],
  ])('%s --model nope says there is no such version, as eval and activate do', async (command, args) => {
    const r = await cli(command, ...args(), '--model', 'nope');
    expect(r.stderr).toBe(`needledrop ${command}: no model version "nope" (see \`needledrop models list\`)\n`);
    expect(r.code).toBe(1);
    // The same words models activate uses.
    const activate = await cli('models', 'activate', 'nope');
    expect(activate.stderr.split('\n')[0]).toBe('needledrop models: no model version "nope" (see `needledrop models list`)');
  }, 60_000);

  it('an installed version without segments in the catalog is still told to embed them', async () => {
    const r = await cli('similar', track, '--model', 'v1');
    expect(r.stderr).toMatch(/^needledrop similar: .*: no segment embeddings for model "v1" among its 2 tracks \(it has segments for "base"\)/);
    expect(r.code).toBe(1);
  }, 60_000);
});
