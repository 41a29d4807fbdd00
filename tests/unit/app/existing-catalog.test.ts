/**
 * Searching a folder without a catalog must not create one: the error is coded "not-indexed",
 * names the path, says what to do, and leaves nothing behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openExistingCatalog } from '../../../electron/engine/app/library';
import { NeedledropError } from '../../../electron/engine/errors';

describe('openExistingCatalog', () => {
  it('refuses a missing catalog with the path and the remedy, creating nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-nocat-'));
    try {
      const path = join(dir, 'catalog.db');
      let err: unknown;
      try {
        openExistingCatalog(path);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NeedledropError);
      expect(err).toMatchObject({ code: 'not-indexed', file: path, message: `${path}: no catalog here: index your music first` });
      expect(existsSync(path)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
