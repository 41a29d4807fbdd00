/**
 * A model version whose model.json is not JSON (review R4.4): its error names the file once (it
 * read "<file>: <file>: not valid JSON"), and `models list` gives it no confidence (it read
 * "calibrated" beside "UNUSABLE"), in its table and its --json. No media: the version is a copy of
 * the shipped base, garbled.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv, REPO_ROOT } from '../../helpers/cli';
import { copyOfBase } from '../../helpers/model-versions';

const home = mkdtempSync(join(tmpdir(), 'nd-garbled-'));
const env = { NEEDLEDROP_HOME: home };
let manifest = '';
beforeAll(() => {
  manifest = join(copyOfBase(home, 'g1', { parent: 'base' }), 'model.json');
  writeFileSync(manifest, '{garbled\n');
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('a model version with a garbled model.json', () => {
  it('activate names the file once, with the cause', async () => {
    const r = await needledropWithEnv(env, 'models', 'activate', 'g1');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(count(r.stderr, manifest), r.stderr).toBe(1);
  }, 60_000);

  it('models list marks it unusable and shows no confidence for it', async () => {
    const r = await needledropWithEnv(env, 'models', 'list');
    expect(r.code, r.stderr).toBe(0);
    const row = r.stdout.split('\n').find((l) => /^\s*\*?\s+g1\s/.test(l));
    expect(row, r.stdout).toBeDefined();
    expect(row).toMatch(/UNUSABLE: .*not valid JSON/);
    const beforeProblem = row?.split('UNUSABLE')[0] ?? '';
    expect(beforeProblem).not.toMatch(/calibrated|none/);
    // The usable shipped base keeps its confidence column.
    expect(r.stdout.split('\n').find((l) => /\sbase\s/.test(l))).toMatch(/calibrated/);
  }, 60_000);

  it('models list --json gives it no fit (null) beside its problem; the usable base keeps its own', async () => {
    const r = await needledropWithEnv(env, 'models', 'list', '--json');
    expect(r.code, r.stderr).toBe(0);
    const { models } = JSON.parse(r.stdout) as { models: Array<{ version: string; fit: string | null; problem?: string }> };
    expect(models.find((m) => m.version === 'g1')).toMatchObject({ fit: null, problem: expect.stringMatching(/not valid JSON/) });
    // base ships its match calibration: a file the test reads apart from the engine.
    expect(existsSync(join(REPO_ROOT, 'models', 'base', 'match-calibration.json'))).toBe(true);
    expect(models.find((m) => m.version === 'base')).toMatchObject({ fit: 'calibrated' });
  }, 60_000);
});
