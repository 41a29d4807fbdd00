import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { activate, activeModel, listModels, loadModel, rollback, type RegistryOptions } from '../../../electron/engine/models/registry';
import { run } from '../../../scripts/cli/models';
import { makeVersion, SPEC } from './fixture';

const tmp = mkdtempSync(join(tmpdir(), 'nd-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let home: string;
let opts: Required<RegistryOptions>;
let shipped: string;
let userDir: string;
let n = 0;
beforeEach(async () => {
  home = join(tmp, `home${n}`);
  shipped = join(tmp, `shipped${n++}`);
  userDir = join(home, 'models');
  mkdirSync(shipped, { recursive: true });
  opts = { env: { NEEDLEDROP_HOME: home }, shippedDir: shipped };
  await makeVersion(shipped, 'base');
  await makeVersion(userDir, 'ft1', { parent: 'base', seed: 2 });
  await makeVersion(userDir, 'ft2', { parent: 'ft1', seed: 3 });
});

describe('model registry', () => {
  it('lists shipped then user versions, base active by default', async () => {
    const list = await listModels(opts);
    expect(list.map((e) => [e.version, e.source, e.active])).toEqual([
      ['base', 'shipped', true],
      ['ft1', 'user', false],
      ['ft2', 'user', false],
    ]);
    expect(list[1].manifest?.parent).toBe('base');
    expect(await activeModel(opts)).toBe('base');
    expect(existsSync(join(home, 'active-model.json'))).toBe(false);
  });

  it('flags broken folders and user versions that reuse a shipped name instead of failing', async () => {
    await makeVersion(userDir, 'base', { seed: 9 });
    mkdirSync(join(userDir, 'junk'));
    writeFileSync(join(userDir, 'junk', 'model.json'), 'not json');
    const list = await listModels(opts);
    expect(list.find((e) => e.source === 'user' && e.version === 'base')?.problem).toMatch(/clashes/);
    expect(list.find((e) => e.version === 'junk')?.problem).toMatch(/not valid JSON/);
    expect((await loadModel(opts)).dir).toBe(join(shipped, 'base'));
  });

  it('activates, persists the pointer, and rolls back through history then to the parent', async () => {
    expect(await activate('ft1', opts)).toEqual({ active: 'ft1', previous: 'base' });
    expect(await activate('ft2', opts)).toEqual({ active: 'ft2', previous: 'ft1' });
    expect(JSON.parse(readFileSync(join(home, 'active-model.json'), 'utf8')).active).toBe('ft2');
    expect((await loadModel({ ...opts, expectedSpec: SPEC })).manifest.version).toBe('ft2');
    expect(await rollback(opts)).toEqual({ active: 'ft1', previous: 'ft2' });
    expect(await rollback(opts)).toEqual({ active: 'base', previous: 'ft1' });
    // A refusal of a well-formed request (CLI exit 1), not a usage error (review R15).
    await expect(rollback(opts)).rejects.toMatchObject({ kind: 'input', message: expect.stringMatching(/nothing to roll back to/) });
    // With no history left, a fresh pointer on ft2 rolls back to its parent.
    writeFileSync(join(home, 'active-model.json'), JSON.stringify({ active: 'ft2', history: [] }));
    expect(await rollback(opts)).toEqual({ active: 'ft1', previous: 'ft2' });
  });

  it('refuses to activate an unknown or corrupted version and keeps the old pointer', async () => {
    await expect(activate('nope', opts)).rejects.toThrow(/no model version "nope"/);
    const file = join(userDir, 'ft1', 'video.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0x55;
    writeFileSync(file, bytes);
    await expect(activate('ft1', opts)).rejects.toThrow(/video\.onnx: sha256 mismatch/);
    expect(await activeModel(opts)).toBe('base');
  });
});

describe('needledrop models (CLI)', () => {
  let out: string[];
  const saved = process.env.NEEDLEDROP_HOME;
  beforeEach(() => {
    out = [];
    process.env.NEEDLEDROP_HOME = home;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env.NEEDLEDROP_HOME;
    else process.env.NEEDLEDROP_HOME = saved;
  });

  it('activate, list --json and rollback work on the user data folder', async () => {
    expect(await run(['activate', 'ft2'])).toBe(0);
    expect(out.join('')).toMatch(/active model: ft2/);
    out.length = 0;
    expect(await run(['list', '--json'])).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(doc.active).toBe('ft2');
    expect(doc.models.filter((m: { source: string }) => m.source === 'user').map((m: { version: string; active: boolean }) => [m.version, m.active])).toEqual([
      ['ft1', false],
      ['ft2', true],
    ]);
    out.length = 0;
    expect(await run(['rollback', '--json'])).toBe(0);
    // The shipped base was active before ft2, so rollback returns to it (history before parent).
    expect(JSON.parse(out.join(''))).toEqual({ active: 'base', previous: 'ft2' });
    out.length = 0;
    expect(await run([])).toBe(0);
    expect(out.join('')).toMatch(/^\*\s+base\s+shipped\s+infonce/m);
  });

  it('rejects unknown actions and extra arguments as usage errors', async () => {
    await expect(run(['frobnicate'])).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(run(['activate'])).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(run(['rollback', 'x'])).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
