/**
 * The data-folder rule by the platform's rules of names (review R5.3): macOS and Windows compare
 * names case-insensitively, and Windows also ignores a trailing dot or space and reads \\?\ paths
 * as plain ones, so those spellings of the data folder are inside it there (not on Linux).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnderOn, PathGuard } from '../../../electron/engine/service/paths-guard';

const mac = '/Users/u/Library/Application Support/Needledrop';
const win = 'C:\\Users\\u\\AppData\\Roaming\\Needledrop';

describe('inside the data folder by the platform rules', () => {
  it('macOS: another case is the same folder; Linux: it is not', () => {
    expect(isUnderOn('/users/u/library/application support/needledrop/active-model.json', mac, 'darwin')).toBe(true);
    expect(isUnderOn('/Users/u/Library/Application Support/NEEDLEDROP', mac, 'darwin')).toBe(true);
    expect(isUnderOn('/Users/u/Library/Application Support/needledrop/active-model.json', mac, 'linux')).toBe(false);
    expect(isUnderOn('/Users/u/Library/Application Support/Needledrop2/x.json', mac, 'darwin')).toBe(false);
  });

  it('Windows: case, a trailing dot or space, \\\\?\\ and forward slashes name the same folder', () => {
    for (const p of [
      'c:\\users\\u\\appdata\\roaming\\needledrop\\active-model.json',
      'C:\\Users\\u\\AppData\\Roaming\\Needledrop.\\active-model.json',
      'C:\\Users\\u\\AppData\\Roaming\\Needledrop \\models\\v1',
      '\\\\?\\C:\\Users\\u\\AppData\\Roaming\\NEEDLEDROP\\active-model.json',
      'C:/Users/u/AppData/Roaming/Needledrop/active-model.json',
    ]) expect([p, isUnderOn(p, win, 'win32')]).toEqual([p, true]);
    expect(isUnderOn('C:\\Users\\u\\AppData\\Roaming\\Needledrop2\\x.json', win, 'win32')).toBe(false);
    expect(isUnderOn('C:\\Users\\u\\AppData\\Roaming\\Needledrop.\\x.json', win, 'linux')).toBe(false);
  });

  describe('PathGuard.write with injected rules', () => {
    // A data folder not made yet, and a folder of another case that exists: only the name rules can tell.
    const tmp = mkdtempSync(join(tmpdir(), 'nd-guard-platform-'));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));
    const data = join(tmp, 'Needledrop');
    mkdirSync(join(tmp, 'needledrop'));
    const guard = (platform: NodeJS.Platform) => new PathGuard(true, () => [], { dataDir: data, catalogPath: join(data, 'catalog.sqlite') }, platform);

    it("refuses another case of the data folder under darwin's rules, and takes it under Linux's", () => {
      const target = join(tmp, 'needledrop', 'active-model.json');
      expect(() => guard('darwin').write(target)).toThrow(`${target}: is inside Needledrop's data folder`);
      expect(guard('linux').write(target)).toBe(target);
    });
  });
});
