/**
 * Indexing without a usable model stores features only and says why: no version installed at all,
 * or the one asked for does not exist.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelEmbedder } from '../../../electron/engine/library/model-embedder';

describe('modelEmbedder without models', () => {
  it('explains the missing model instead of throwing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-nomodel-'));
    try {
      mkdirSync(join(dir, 'shipped'));
      const registry = { env: { NEEDLEDROP_HOME: join(dir, 'home') }, shippedDir: join(dir, 'shipped') };
      expect(await modelEmbedder(undefined, registry)).toEqual({ problem: 'no model version installed: features only' });
      expect(await modelEmbedder('v9', registry)).toEqual({ problem: 'model not usable, features only (no model version "v9")' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
