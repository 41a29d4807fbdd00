/**
 * Review R2.4: `playlist --energy ""` answered 'needledrop playlist: playlist.build: energy needs
 * "curve"': the engine's operation and field names, which the CLI user never typed. The real CLI
 * now says it with the flag, as a usage error (the command line's own shape, exit 2).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropSync } from '../../helpers/cli';
import { tempDir } from '../index/fixtures/media';

let root = '';
beforeAll(() => {
  root = tempDir('energy-blank');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('playlist --energy with no curve', () => {
  it('names the flag and an example curve, never the engine operation', () => {
    for (const curve of ['', '  ']) {
      const r = needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, 'playlist', '--energy', curve, '--length', '4');
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe('needledrop playlist: --energy needs a curve, e.g. "low,mid,high"');
      expect(r.stderr).not.toContain('playlist.build');
    }
  }, 60_000);
});
