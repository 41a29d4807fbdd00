/**
 * settings.json as it is read follows the schema settings.set applies to a change (review R1.11):
 * a hand-edited "provider": "gpu" and "jobs": 1000 read as auto and 64 (what settings.get and the
 * next scan get), and the engine's log says once which value it replaced, however often the file
 * is read. Truths: the file the test writes, and settings.set's own refusals of the same values.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { MAX_JOBS, settable } from '../../../electron/engine/service/settings';

const tmp = mkdtempSync(join(tmpdir(), 'nd-settings-schema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('settings.json is read with the settings.set schema (review R1.11)', () => {
  it('MAX_JOBS is the schema\'s own limit', () => {
    expect(settable('jobs', MAX_JOBS)).toBe(true);
    expect(settable('jobs', MAX_JOBS + 1)).toBe(false);
    expect(settable('jobs', 0)).toBe(false);
    expect(settable('provider', 'gpu')).toBe(false);
  });

  it('an unknown provider reads as auto, a worker count out of range is clamped, each said once', async () => {
    const data = join(tmp, 'data');
    mkdirSync(data, { recursive: true });
    const file = join(data, 'settings.json');
    writeFileSync(file, JSON.stringify({ provider: 'gpu', jobs: 1000, watch: true, libraryFolders: [] }));
    const logged: string[] = [];
    const engine = new Engine(contextFromEnv({}, { dataDir: data, log: (m) => logged.push(m) }));
    try {
      // settings.set refuses both values: the file may not hold what a change may not make.
      await expect(engine.call('settings.set', { provider: 'gpu' })).rejects.toMatchObject({ code: 'invalid-request' });
      await expect(engine.call('settings.set', { jobs: 1000 })).rejects.toMatchObject({ code: 'invalid-request' });
      expect(await engine.call('settings.get')).toMatchObject({ provider: 'auto', jobs: MAX_JOBS });
      // Read again after the file was touched (a new stamp): still said once.
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(await engine.call('settings.get')).toMatchObject({ provider: 'auto', jobs: MAX_JOBS });
      const said = logged.filter((m) => m.startsWith(file));
      expect(said).toEqual([
        `${file}: provider "gpu" is not a provider Needledrop knows (auto, cpu, cuda, dml, coreml): using "auto"`,
        `${file}: jobs 1000 is not a worker count from 1 to ${MAX_JOBS}: using ${MAX_JOBS}`,
      ]);

      writeFileSync(file, JSON.stringify({ provider: 'cpu', jobs: -3, watch: 'yes', libraryFolders: [] }));
      expect(await engine.call('settings.get')).toMatchObject({ provider: 'cpu', jobs: 1, watch: true });
      expect(logged.filter((m) => m.startsWith(file)).slice(2)).toEqual([
        `${file}: jobs -3 is not a worker count from 1 to ${MAX_JOBS}: using 1`,
        `${file}: watch "yes" is not true or false: using true`,
      ]);
    } finally {
      await engine.close();
    }
  });

  it('single-key shortcuts: on by default, off kept in the file, a hand-edited non-boolean reads as on and is said (review R6, WCAG 2.1.4)', async () => {
    const data = join(tmp, 'data-keys');
    const file = join(data, 'settings.json');
    const logged: string[] = [];
    const engine = new Engine(contextFromEnv({}, { dataDir: data, log: (m) => logged.push(m) }));
    try {
      expect((await engine.call('settings.get')).singleKeyShortcuts).toBe(true);
      expect(await engine.call('settings.set', { singleKeyShortcuts: false })).toMatchObject({ singleKeyShortcuts: false });
      expect((JSON.parse(readFileSync(file, 'utf8')) as { singleKeyShortcuts: unknown }).singleKeyShortcuts).toBe(false);
      // A change of another setting keeps it.
      expect(await engine.call('settings.set', { watch: false })).toMatchObject({ singleKeyShortcuts: false, watch: false });
      await expect(engine.call('settings.set', { singleKeyShortcuts: 'no' as unknown as boolean })).rejects.toMatchObject({ code: 'invalid-request' });
      writeFileSync(file, JSON.stringify({ watch: false, singleKeyShortcuts: 'off', libraryFolders: [] }));
      expect((await engine.call('settings.get')).singleKeyShortcuts).toBe(true);
      expect(logged).toContain(`${file}: singleKeyShortcuts "off" is not true or false: using true`);
    } finally {
      await engine.close();
    }
  });
});
