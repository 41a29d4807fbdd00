/**
 * The Train screen offers Delete exactly where the engine deletes (review S19): a folder in the
 * models folder named `bad name!` with a broken model.json was listed (unusable) with a Delete
 * that then failed, and its error read twice (the request's one issue as the title and again
 * below it). Truth: a real Engine's models.list and models.delete (dry run) on folders made here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readable } from '../../../renderer/lib/errors';
import { undeletable } from '../../../renderer/lib/model-delete';
import { copyOfBase } from '../../helpers/model-versions';
import { withEngine } from '../../helpers/engine';

const home = mkdtempSync(join(tmpdir(), 'nd-model-delete-offered-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('Delete on the Train screen', () => {
  it('is offered for the versions the engine deletes and for no other; a refusal reads once', async () => {
    for (const name of ['bad name!', 'broken', 'ünïcode']) {
      mkdirSync(join(home, 'models', name), { recursive: true });
      writeFileSync(join(home, 'models', name, 'model.json'), '{oops');
    }
    copyOfBase(home, 'fine');
    await withEngine(home, { confined: true }, async (engine) => {
      const { models } = await engine.call('models.list');
      expect(models.map((m) => m.version).sort()).toEqual(['bad name!', 'base', 'broken', 'fine', 'ünïcode']);
      for (const m of models) {
        const refusal = await engine.call('models.delete', { version: m.version, dryRun: true }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(undeletable(m) === null, `${m.version}: offered, and the engine ${refusal ? 'refuses' : 'deletes'} it`).toBe(refusal === null);
        if (!refusal) continue;
        // What the screen shows of the name's refusal: said once, not again below it.
        if (m.version === 'bad name!') expect(readable(refusal)).toEqual({ title: 'models.delete: "version" must be letters, digits, ".", "_" or "-" (at most 64)', code: 'invalid-request' });
      }
      expect(undeletable(models.find((m) => m.version === 'bad name!')!)).toMatch(/is not a version name .*remove its folder from the models folder yourself$/);
    });
  });
});
