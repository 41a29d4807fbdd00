/**
 * An engine over an empty catalog asked to re-plan a fit for a track id it does not hold answers
 * "not-found" naming the id (not an internal error).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-unknown-track-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a track id the catalog does not hold', () => {
  it('is not-found for fit.replan', async () => {
    await withEngine(join(tmp, 'data'), { confined: true }, async (engine) => {
      await expect(engine.call('fit.replan', { track: 42, target: 10, end: 20, endMode: 'phrase', tempoRatio: 1, splices: [] })).rejects.toMatchObject({
        code: 'not-found',
        message: 'track 42 is not in the catalog',
      });
    });
  });
});
