/**
 * The clip encoder is looked up in the registry it is given: one with no model installed refuses
 * with "no-model" (it must not fall back to the models shipped with the app).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openClipEncoder } from '../../../electron/engine/app/clip';

describe('openClipEncoder', () => {
  it('uses the registry it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-clip-enc-'));
    try {
      mkdirSync(join(dir, 'shipped'));
      const registry = { env: { NEEDLEDROP_HOME: join(dir, 'home') }, shippedDir: join(dir, 'shipped') };
      await expect(openClipEncoder({ registry, provider: 'cpu' })).rejects.toMatchObject({ code: 'no-model', message: expect.stringMatching(/^no model version "/) as unknown });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
