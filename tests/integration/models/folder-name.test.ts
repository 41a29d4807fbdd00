/**
 * A model version's name is its folder's name (issue 16: removing that check passed every test).
 * A copied or renamed folder must not pass as another version, a version is only saved into a
 * folder of its name, and names stay portable folder names.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import { checkVersionName, loadModelVersion, readManifest, saveModelVersion, type ModelManifest } from '../../../electron/engine/models/version';
import { makeVersion } from './fixture';

const root = mkdtempSync(join(tmpdir(), 'nd-folder-name-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const failure = (fn: () => unknown): Promise<unknown> =>
  Promise.resolve()
    .then(fn)
    .then(
      () => null,
      (e: unknown) => e,
    );

describe('model version folder names', () => {
  it('refuses a version folder copied under another name, naming its model.json', async () => {
    await makeVersion(root, 'orig');
    cpSync(join(root, 'orig'), join(root, 'copy'), { recursive: true });
    const file = join(root, 'copy', 'model.json');
    for (const attempt of [() => readManifest(join(root, 'copy')), () => loadModelVersion(join(root, 'copy'))]) {
      const err = await failure(attempt);
      expect(err).toBeInstanceOf(NeedledropError);
      expect(err).toMatchObject({ kind: 'input', file, message: expect.stringMatching(/names version "orig" but lives in folder "copy"/) });
    }
    // The original still loads: the refusal is about the folder, not the files.
    expect((await readManifest(join(root, 'orig'))).version).toBe('orig');
  });

  it('saves a version only into a folder of its own name', async () => {
    const manifest = JSON.parse(readFileSync(join(root, 'orig', 'model.json'), 'utf8')) as ModelManifest;
    const { sha256: _sums, createdAt: _at, ...rest } = manifest;
    const bytes = new Uint8Array([1, 2, 3]);
    const err = await failure(() => saveModelVersion(join(root, 'elsewhere'), { ...rest, version: 'named', video: bytes, audio: bytes }));
    expect(err).toMatchObject({ kind: 'usage', message: expect.stringMatching(/"named" must be saved in a folder of that name, not "elsewhere"/) });
    expect(existsSync(join(root, 'elsewhere'))).toBe(false);
  });

  it('accepts portable names and refuses paths, hidden names, spaces and overlong names', () => {
    for (const ok of ['base', 'v1.2_rc-3', 'A', 'x'.repeat(64)]) expect(() => checkVersionName(ok)).not.toThrow();
    for (const bad of ['', '../base', 'a/b', 'a\\b', '.hidden', '-flag', 'with space', 'x'.repeat(65), 'naïve']) {
      expect(() => checkVersionName(bad), bad).toThrow(/invalid model version name/);
    }
  });
});
