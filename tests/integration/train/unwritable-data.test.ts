/**
 * Review S15: `train` with a data folder it cannot write computed every descriptor, started
 * training, then died at its first checkpoint with "internal error: EACCES … mkdir" (exit 70, a
 * stack). Now each folder the run writes is checked before any work: bad input (exit 1) naming the
 * folder and "permission denied". The real CLI as a user whose file modes apply (nobody, under root).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_ROOT, canDropRoot, needledropUnprivileged } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let corpus: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-unwritable-data-');
  chmodSync(tmp.dir, 0o755); // the unprivileged CLI reads the corpus
  corpus = join(tmp.dir, 'c12');
  await tinyCorpus(corpus, 5);
  if (AS_ROOT) execFileSync('chown', ['-R', 'nobody:nogroup', corpus]); // its descriptor cache is written in it
}, 120_000);
afterAll(async () => {
  await tmp.cleanup();
});

/** A data folder the unprivileged user owns, with `sub` made by someone else (root) or read-only. */
function homeWithForeign(name: string, sub: string): string {
  const home = join(tmp.dir, name);
  mkdirSync(join(home, sub), { recursive: true });
  if (AS_ROOT) execFileSync('chown', ['nobody:nogroup', home]);
  else chmodSync(join(home, sub), 0o555);
  return home;
}

describe.skipIf(!canDropRoot() || process.platform === 'win32')('a data folder the run cannot write', () => {
  it('train under a read-only folder: refused before the descriptors, naming the folder, permission denied', async () => {
    const ro = join(tmp.dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    const home = join(ro, 'home');
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'train', '--corpus', corpus, '--version', 'nb1', '--steps', '3');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`needledrop train: ${join(home, 'models')}: cannot make the models folder (permission denied in ${ro})\n`);
    expect(existsSync(join(corpus, '.features'))).toBe(false);
  }, 120_000);

  it('a checkpoints folder it cannot write: refused before the run, naming it', async () => {
    const home = homeWithForeign('h-ck', 'checkpoints');
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'train', '--corpus', corpus, '--version', 'nb2', '--steps', '3', '--json');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`needledrop train: ${join(home, 'checkpoints')}: cannot write the checkpoints folder (permission denied)\n`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(home, 'models', 'nb2'))).toBe(false);
  }, 120_000);

  it('a fine-tune whose edit features cache cannot be written: refused before any video is decoded', async () => {
    const home = homeWithForeign('h-ft', 'edit-features');
    const r = await needledropUnprivileged({ NEEDLEDROP_HOME: home }, 'train', '--from-videos', '/work/shared/media/video', '--version', 'nb3');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`needledrop train: ${join(home, 'edit-features')}: cannot write the edit features cache (permission denied)\n`);
  }, 300_000);
});
