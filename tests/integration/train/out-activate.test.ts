/**
 * Review S16: `train --out DIR --activate` trained, wrote DIR/VERSION, then failed "no model version"
 * (exit 1): only the models folder's versions are listed and can be active. Now that pair is refused
 * before the corpus is read (usage, exit 2); --out the models folder itself activates; and a run that
 * saved its version is never reported as failed: an activation that fails after the save is a note.
 * Real CLI processes on a tiny corpus rendered by the engine's own generator.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let corpus: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-out-activate-');
  corpus = join(tmp.dir, 'c12');
  await tinyCorpus(corpus, 3);
}, 120_000);
afterAll(async () => {
  await tmp.cleanup();
});

const train = (home: string, ...args: string[]) => needledropWithEnv({ NEEDLEDROP_HOME: home }, 'train', '--corpus', corpus, '--steps', '3', '--json', ...args);

describe('train --activate and where the version is written', () => {
  it('--out elsewhere with --activate is refused before any work, naming both folders; nothing is written', async () => {
    const home = join(tmp.dir, 'h1');
    const out = join(tmp.dir, 'elsewhere');
    const r = await train(home, '--version', 'oa1', '--out', out, '--activate');
    // A value the engine refuses (an --out outside the models folder) is exit 1, not the command line's shape (README, Exit codes; c43ca03).
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`needledrop train: --activate needs the version in the models folder ${join(home, 'models')}, not in ${out}`);
    expect(existsSync(join(out, 'oa1'))).toBe(false);
    expect(existsSync(join(home, 'checkpoints', 'oa1'))).toBe(false);
    expect(r.stdout).toBe('');
  }, 120_000);

  it('--out the models folder itself with --activate writes and activates the version', async () => {
    const home = join(tmp.dir, 'h2');
    const r = await train(home, '--version', 'oa2', '--out', join(home, 'models'), '--activate');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { activated: boolean }).activated).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'active-model.json'), 'utf8'))).toMatchObject({ active: 'oa2' });
  }, 180_000);

  it('an activation that fails after the save is a note on a successful run, the version kept', async () => {
    const home = join(tmp.dir, 'h3');
    mkdirSync(home);
    const pointer = join(home, 'active-model.json');
    writeFileSync(pointer, 'not json'); // a pointer activate cannot read: it refuses to switch
    const r = await train(home, '--version', 'oa3', '--activate');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { activated: boolean; notes: string[] };
    expect(doc.activated).toBe(false);
    expect(doc.notes.some((n) => n.startsWith(`oa3 is saved but was not made active: ${pointer}: unreadable active-model pointer`))).toBe(true);
    expect(existsSync(join(home, 'models', 'oa3', 'model.json'))).toBe(true);
    expect(readFileSync(pointer, 'utf8')).toBe('not json');
  }, 180_000);
});
