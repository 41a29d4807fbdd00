/**
 * engine.info names the execution provider the active model really runs on: with the provider
 * pinned to cpu, "cpu", found by opening the shipped model the first time and the same when asked
 * again (then from what the engine remembered).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-engine-info-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('engine.info', () => {
  it('providerInUse is cpu with the provider pinned to cpu, asked twice', async () => {
    await withEngine(join(tmp, 'data'), { confined: true }, async (engine) => {
      await engine.call('settings.set', { provider: 'cpu' });
      const first = await engine.call('engine.info', undefined);
      expect(first.activeModel).not.toBe('');
      expect(first.providerInUse).toBe('cpu');
      expect((await engine.call('engine.info', undefined)).providerInUse).toBe('cpu');
    });
  });
});
