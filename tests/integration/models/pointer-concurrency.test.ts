/**
 * Review S12.10: two Roll back requests at once (a double click; four over the API) all answered
 * ok with the same switch and only one step was rolled back: activate and rollback read the
 * active-model pointer, decided, and wrote it without holding anything. They now change it one at a
 * time, within a process and across processes. The truth is the sequential walk: N rollbacks at
 * once end where N in a row end, each answering a different step.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { activate, activeModel, rollback, type RegistryOptions, type Switch } from '../../../electron/engine/models/registry';
import { makeVersion } from './fixture';

const tmp = mkdtempSync(join(tmpdir(), 'nd-pointer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let home: string;
let opts: Required<RegistryOptions>;
let n = 0;
/** base (shipped) ← ft1 ← ft2 ← ft3, activated in that order: history [base, ft1, ft2], ft3 active. */
beforeEach(async () => {
  home = join(tmp, `home${n}`);
  const shipped = join(tmp, `shipped${n++}`);
  mkdirSync(shipped, { recursive: true });
  opts = { env: { NEEDLEDROP_HOME: home }, shippedDir: shipped };
  await makeVersion(shipped, 'base');
  for (const [v, parent, seed] of [['ft1', 'base', 2], ['ft2', 'ft1', 3], ['ft3', 'ft2', 4]] as const) await makeVersion(join(home, 'models'), v, { parent, seed });
});

const steps = (all: PromiseSettledResult<Switch>[]): string[] =>
  all
    .flatMap((r) => (r.status === 'fulfilled' ? [`${r.value.previous}→${r.value.active}`] : []))
    .sort();
const SEQUENTIAL_WALK = ['ft1→base', 'ft2→ft1', 'ft3→ft2'];

describe('the active-model pointer under concurrent changes', () => {
  it('four rollbacks at once in one process walk back three steps, each answering its own, and the fourth finds nothing left', async () => {
    for (const v of ['ft1', 'ft2', 'ft3']) await activate(v, opts);
    const all = await Promise.allSettled([rollback(opts), rollback(opts), rollback(opts), rollback(opts)]);
    expect(steps(all)).toEqual(SEQUENTIAL_WALK);
    const refused = all.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/nothing to roll back to: "base"/);
    expect(await activeModel(opts)).toBe('base');
    expect(existsSync(join(home, 'active-model.json.lock'))).toBe(false);
  });

  it('three activations at once each push the one before onto the history', async () => {
    const all = await Promise.allSettled(['ft1', 'ft2', 'ft3'].map((v) => activate(v, opts)));
    const previous = all.map((r) => (r.status === 'fulfilled' ? r.value.previous : 'failed'));
    // Whatever order they ran in, each replaced a different version: the chain base → … has no repeats.
    expect(new Set(previous).size).toBe(3);
    const pointer = JSON.parse(readFileSync(join(home, 'active-model.json'), 'utf8')) as { active: string; history: string[] };
    expect([pointer.active, ...pointer.history].sort()).toEqual(['base', 'ft1', 'ft2', 'ft3']);
  });

  it('three processes rolling back at once walk back three steps', async () => {
    for (const v of ['ft1', 'ft2', 'ft3']) await activate(v, opts);
    const go = join(home, 'go');
    const module = join(__dirname, '../../../electron/engine/models/registry.ts');
    const script = join(home, 'roll.mts');
    // Each child waits for the same signal file, so their read-decide-write runs overlap.
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from 'node:fs';
import { rollback } from ${JSON.stringify(module)};
writeFileSync(${JSON.stringify(join(home, 'ready-'))} + process.pid, '');
while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
const opts = { env: { NEEDLEDROP_HOME: ${JSON.stringify(home)} }, shippedDir: ${JSON.stringify(opts.shippedDir)} };
const r = await rollback(opts);
process.stdout.write(r.previous + '→' + r.active);`,
    );
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const children = [0, 1, 2].map(() => {
      const child = spawn(tsx, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<string>((done) => child.on('exit', (code) => done(code === 0 ? out : `exit ${code}`)));
    });
    // Once all three have loaded the registry, release them together.
    await expect.poll(() => readdirSync(home).filter((f) => f.startsWith('ready-')).length, { timeout: 45_000, interval: 50 }).toBe(3);
    writeFileSync(go, '');
    expect((await Promise.all(children)).sort()).toEqual(SEQUENTIAL_WALK);
    expect(await activeModel(opts)).toBe('base');
  }, 60_000);
});
