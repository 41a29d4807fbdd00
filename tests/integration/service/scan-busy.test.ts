/**
 * Review R27: a Scan the user started while the app's own scan (the opening one, Watch's) ran was
 * refused with "…catalog.sqlite: the catalog is being indexed by another run in this process since
 * 2026-…Z" — in the app the other run is its own. It now says a scan is already running, as the
 * contract's 'busy' (another job holds what this one needs), not as bad input.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import { withEngine } from '../../helpers/engine';
import { sine, tempDir, tones } from '../../helpers/media';

describe('a scan started while another scan runs', () => {
  let dir = '';
  let lib = '';
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('nd-scan-busy-'));
    lib = join(dir, 'music');
    mkdirSync(lib);
    await sine(lib, { seconds: 8, freq: 440 });
    await tones(lib, { seconds: 8, freqs: [220, 330, 550] });
  });
  afterAll(() => cleanup());

  it('is refused as busy, saying a scan is already running; the running one completes and the next goes', async () => {
    await withEngine(join(dir, 'data'), { confined: false }, async (engine) => {
      // Both started at once: whichever claims the catalog first runs, the other is refused.
      const runs = await Promise.allSettled([runJob(engine, 'library.scan', { folders: [lib], jobs: 1 }), runJob(engine, 'library.scan', { folders: [lib], jobs: 1 })]);
      const done = runs.filter((r) => r.status === 'fulfilled');
      const refused = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
      expect(done).toHaveLength(1);
      expect(done[0].value.indexed).toBe(2);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toBeInstanceOf(EngineError);
      const err = refused[0] as EngineError;
      expect(err.code).toBe('busy');
      expect(err.message).toMatch(/^a scan is already running \(started \d+ s ago\); wait for it to finish$/);
      expect(err.message).not.toMatch(/another run|\d{4}-\d\d-\d\dT/);
      // Free again once it is done.
      expect((await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 })).unchanged).toBe(2);
    });
  }, 120_000);
});
