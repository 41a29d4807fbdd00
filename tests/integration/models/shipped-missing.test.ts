/**
 * An install whose shipped models folder is gone (review R4.4): "no model version "base"" alone did
 * not say why. The built CLI finds the shipped models beside the nearest package.json, so a copy of
 * it in a temp folder with a package.json and no models/ is such an install.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/cli';

const built = process.env.NEEDLEDROP_TEST_CLI;
const tmp = mkdtempSync(join(tmpdir(), 'nd-no-shipped-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!built)('an install without its shipped models folder', () => {
  it('names the missing folder when the version is not found', () => {
    const app = join(tmp, 'app');
    cpSync(dirname(dirname(built ?? '')), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), '{"type":"module"}\n');
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(app, 'node_modules'));
    const r = spawnSync(process.execPath, [join(app, 'cli', 'needledrop.js'), 'models', 'activate', 'base'], {
      env: { ...process.env, NEEDLEDROP_HOME: join(tmp, 'home') },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(`no model version "base": the models folder shipped with Needledrop (${join(app, 'models')}) is missing`);
    expect(r.stderr).not.toMatch(/models list/); // which would only say "no model versions installed"
  }, 60_000);
});
