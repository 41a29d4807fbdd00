/**
 * Asking for a track the catalog does not hold is a "not-found" error naming the id, not an
 * internal failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { trackDetail } from '../../../electron/engine/service/library';

describe('trackDetail', () => {
  it('refuses an id the empty catalog does not hold with not-found', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-detail-'));
    const db = openCatalog(join(dir, 'catalog.sqlite'));
    try {
      let err: unknown;
      try {
        trackDetail(db, 'base', 42, []);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EngineError);
      expect((err as EngineError).toData()).toEqual({ code: 'not-found', message: 'track 42 is not in the catalog' });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
