import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataHome } from '../../../electron/engine/paths';
import { TEST_HOME_PREFIX } from '../../helpers/test-home';
import { needledrop } from '../../helpers/cli';

describe('the test run\'s data folder', () => {
  it('is a fresh temp folder, not the user\'s, in this worker and in a CLI the test starts', async () => {
    const home = process.env.NEEDLEDROP_HOME;
    expect(home).toBeDefined();
    expect(realpathSync(dirname(home!))).toBe(realpathSync(tmpdir()));
    expect(basename(home!).startsWith(TEST_HOME_PREFIX)).toBe(true);
    expect(dataHome()).toBe(home);
    expect(dataHome()).not.toBe(join(homedir(), '.local', 'share', 'needledrop'));
    // A child inherits it: an index run without --db makes its catalog there.
    const music = mkdtempSync(join(tmpdir(), 'needledrop-empty-'));
    try {
      const r = await needledrop('index', music, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(home!, 'catalog.sqlite'))).toBe(true);
    } finally {
      rmSync(music, { recursive: true, force: true });
    }
  });
});
