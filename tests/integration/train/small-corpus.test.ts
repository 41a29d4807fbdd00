/**
 * Review S9: `needledrop corpus --pairs 3` made a corpus (1 train / 1 val / 1 test) that
 * `needledrop train` then crashed on (exit 70, "internal error" and a stack). Now the corpus
 * command refuses such a count before rendering (usage, exit 2), and train and eval --losses
 * refuse such a corpus as bad input (exit 1) naming it, its split sizes and what to do.
 * Real CLI processes; the 3-pair corpus is rendered by the engine's own generator, tiny.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { needledropWithEnv } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
let corpus: string;
beforeAll(async () => {
  tmp = await tempDir('needledrop-small-corpus-');
  corpus = join(tmp.dir, 'c3');
  const m = await generateCorpus({ seed: 1, pairs: 3, clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 22050, jobs: 1, outDir: corpus });
  // The truth the messages must state: the manifest's own splits.
  expect(m.pairs.map((p) => p.split).sort()).toEqual(['test', 'train', 'val']);
}, 120_000);
afterAll(async () => {
  await tmp.cleanup();
});

const cli = (...args: string[]) => needledropWithEnv({ NEEDLEDROP_HOME: join(tmp.dir, 'home') }, ...args);
const SAYS = '1 train pair, 1 val pair and 1 test pair: training needs at least 2 train pairs and 1 val pair, and scoring the model 2 test pairs';

describe('a corpus too small to train and score', () => {
  it('train refuses it as bad input (exit 1) naming the corpus, its splits and what to do; --json prints nothing', async () => {
    for (const json of [[], ['--json']]) {
      const r = await cli('train', '--corpus', corpus, '--version', 'tiny', '--steps', '3', ...json);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${corpus}: ${SAYS}; make a corpus of 10 pairs or more`);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(tmp.dir, 'home', 'models', 'tiny'))).toBe(false);
  }, 120_000);

  it('eval --losses refuses it the same way (each loss would be trained on it)', async () => {
    const r = await cli('eval', '--corpus', corpus, '--split', 'all', '--losses', 'infonce', '--steps', '2');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${corpus}: ${SAYS}`);
  }, 120_000);

  it('corpus --pairs 3 is a usage error before anything is rendered, naming the least count it takes', async () => {
    const out = join(tmp.dir, 'refused');
    const r = await cli('corpus', '--out', out, '--pairs', '3', '--seed', '1');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`--pairs 3: its splits would hold ${SAYS}; give --pairs 10 or more`);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});
