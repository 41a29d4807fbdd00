/**
 * Deleting a model version at the registry itself (models/registry.ts deletableVersion,
 * deleteVersion, cleanDeletedLeftovers; models/in-use.ts leases), without an engine or a training
 * job, so each rule is checked in milliseconds (models-delete.test.ts proves the same through the
 * engine, with real jobs). Truths: the folders and lease files the test writes (read back with fs),
 * pids of processes known to be alive (this one, init) or gone (one that has exited), and pid 0,
 * which is no process's (kill(0, 0) signals the caller's own process group).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { leasesDir, liveUse, writeLease } from '../../../electron/engine/models/in-use';
import { activate, cleanDeletedLeftovers, deletableVersion, deleteVersion, holdVersions, listModels, type RegistryOptions } from '../../../electron/engine/models/registry';
import { REPO_ROOT } from '../../helpers/cli';
import { copyOfBase } from '../../helpers/model-versions';
import { deadPid } from '../../helpers/pids';

const tmp = mkdtempSync(join(tmpdir(), 'nd-delete-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let homes = 0;

/** A fresh data folder with the repo's shipped models. */
function home(): { dir: string; opts: RegistryOptions } {
  const dir = join(tmp, `home-${homes++}`);
  mkdirSync(dir, { recursive: true });
  return { dir, opts: { env: { NEEDLEDROP_HOME: dir }, shippedDir: join(REPO_ROOT, 'models') } };
}

const reason = (p: Promise<unknown>): Promise<{ message: string; code?: string; kind?: string }> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as { message: string; code?: string; kind?: string },
  );

describe('what may be deleted', () => {
  it('a user version: its folder, manifest and the user versions made from it (not others, not shipped ones)', async () => {
    const { dir, opts } = home();
    const v1 = copyOfBase(dir, 'v1', { parent: 'base' });
    copyOfBase(dir, 'child-a', { parent: 'v1' });
    copyOfBase(dir, 'child-b', { parent: 'v1' });
    copyOfBase(dir, 'other', { parent: 'base' });
    copyOfBase(dir, 'grandchild', { parent: 'child-a' });
    const d = await deletableVersion('v1', opts);
    expect(d.version).toBe('v1');
    expect(d.dir).toBe(v1);
    expect(d.manifest?.version).toBe('v1');
    expect(d.children).toEqual(['child-a', 'child-b']);
    // Nothing changed by asking.
    expect(readdirSync(join(dir, 'models')).sort()).toEqual(['child-a', 'child-b', 'grandchild', 'other', 'v1']);
  });

  it('no version of that name: a usage error naming it', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'v1', { parent: 'base' });
    const e = await reason(deletableVersion('v2', opts));
    // A name that names no version is the request's fault (usage, CLI exit 2), as activate's "no model version" is.
    expect([e.message, e.code, e.kind]).toEqual(['no model version "v2"', 'no-model', 'usage']);
  });

  it('a shipped version, and the user folder that reuses its name is named as unused', async () => {
    const { dir, opts } = home();
    // The refusals below are of a well-formed request the state does not allow: input errors (CLI exit 1).
    expect(await reason(deletableVersion('base', opts))).toMatchObject({ message: 'model version "base" is shipped with Needledrop and cannot be deleted', kind: 'input' });
    // Another user version (listed before it by name) is not the clash.
    copyOfBase(dir, 'aaa', { parent: 'base' });
    const clash = copyOfBase(dir, 'base');
    const e = await reason(deletableVersion('base', opts));
    expect(e.message).toBe(`model version "base" is shipped with Needledrop and cannot be deleted (the folder ${clash} of that name among your versions is not used: rename or remove it yourself)`);
    expect(e.code).toBe('bad-input');
    expect(existsSync(join(clash, 'model.json'))).toBe(true);
  });

  it('the active version, until another is active', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'mine', { parent: 'base' });
    await activate('mine', opts);
    const e = await reason(deletableVersion('mine', opts));
    expect(e.message).toBe('model version "mine" is the active one and cannot be deleted: activate another version first (or roll back), then delete it');
    expect([e.code, e.kind]).toEqual(['bad-input', 'input']);
    await activate('base', opts);
    expect((await deletableVersion('mine', opts)).version).toBe('mine');
  });

  it('a version folder that is a link', async () => {
    const { dir, opts } = home();
    const outside = copyOfBase(join(tmp, 'outside'), 'lnk', { parent: 'base' });
    mkdirSync(join(dir, 'models'));
    symlinkSync(outside, join(dir, 'models', 'lnk'));
    const e = await reason(deletableVersion('lnk', opts));
    expect([e.code, e.kind]).toEqual(['forbidden-path', 'input']);
    expect(e.message).toMatch(/models\/lnk: is a link, not a model version folder/);
  });

  it('a version held by a running job of this process, until its release; other versions meanwhile', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'a', { parent: 'base' });
    copyOfBase(dir, 'b', { parent: 'base' });
    const release = await holdVersions([{ version: 'a', why: 'training it' }], opts);
    const e = await reason(deletableVersion('a', opts));
    expect(e.message).toBe(`model version "a" is in use: training it is running (pid ${process.pid}); delete it when that has ended, or cancel it`);
    expect([e.code, e.kind]).toEqual(['busy', 'input']);
    expect((await deletableVersion('b', opts)).version).toBe('b');
    release();
    release();
    expect((await deletableVersion('a', opts)).version).toBe('a');
    // Holding nothing writes no lease.
    const none = home();
    (await holdVersions([], none.opts))();
    expect(existsSync(leasesDir(none.dir))).toBe(false);
  });
});

describe('the listing a delete works from', () => {
  it('no models folder: the shipped versions only', async () => {
    expect((await listModels(home().opts)).map((m) => m.version)).toEqual(['base']);
  });

  it('user versions by name, whatever order they were made in; a broken one does not stop deleting another', async () => {
    const { dir, opts } = home();
    for (const v of ['zeta', 'alpha', 'mid']) copyOfBase(dir, v, { parent: 'base' });
    mkdirSync(join(dir, 'models', 'broken'));
    writeFileSync(join(dir, 'models', 'broken', 'model.json'), 'not json');
    expect((await listModels(opts)).map((m) => m.version)).toEqual(['base', 'alpha', 'broken', 'mid', 'zeta']);
    const d = await deleteVersion('mid', opts);
    expect(d.children).toEqual([]);
    expect(readdirSync(join(dir, 'models')).sort()).toEqual(['alpha', 'broken', 'zeta']);
  });
});

describe('deleteVersion', () => {
  it('removes the folder (none left under another name) and it is no longer listed; a second delete finds none', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'gone', { parent: 'base' });
    copyOfBase(dir, 'kept', { parent: 'gone' });
    const d = await deleteVersion('gone', opts);
    expect([d.version, d.children]).toEqual(['gone', ['kept']]);
    expect(readdirSync(join(dir, 'models'))).toEqual(['kept']);
    expect((await listModels(opts)).map((m) => m.version)).toEqual(['base', 'kept']);
    expect((await reason(deleteVersion('gone', opts))).code).toBe('no-model');
  });

  it('a refused delete leaves the folder as it was', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'act', { parent: 'base' });
    await activate('act', opts);
    await reason(deleteVersion('act', opts));
    expect(readdirSync(join(dir, 'models'))).toEqual(['act']);
    expect(readdirSync(join(dir, 'models', 'act')).sort()).toEqual(['audio.onnx', 'match-calibration.json', 'model.json', 'video.onnx']);
  });
});

describe('what a deletion cut short leaves', () => {
  it('a renamed folder is never listed, and a start removes those of processes that are gone (pid 0 and unreadable pids too), not a live one\'s', async () => {
    const { dir, opts } = home();
    copyOfBase(dir, 'stay', { parent: 'base' });
    const models = join(dir, 'models');
    // A renamed version folder (a model.json in it: listed, were it not for its name).
    const trash = (name: string): string => {
      const p = join(models, name);
      mkdirSync(p);
      writeFileSync(join(p, 'model.json'), '{}');
      return p;
    };
    const dead = trash(`.deleting-${deadPid()}-0a0b0c0d-x`);
    const zero = trash('.deleting-0-0a0b0c0d-y');
    const odd = trash('.deleting-abc-z');
    const mine = trash(`.deleting-${process.pid}-0a0b0c0d-w`);
    const init = trash('.deleting-1-0a0b0c0d-v');
    expect((await listModels(opts)).map((m) => m.version)).toEqual(['base', 'stay']);
    expect(cleanDeletedLeftovers(opts).sort()).toEqual([dead, odd, zero].sort());
    expect(readdirSync(models).sort()).toEqual([mine, init].map((p) => p.slice(models.length + 1)).concat('stay').sort());
    expect(cleanDeletedLeftovers(opts)).toEqual([]);
  });

  it('no models folder: nothing to remove', () => {
    expect(cleanDeletedLeftovers(home().opts)).toEqual([]);
  });
});

describe('leases (in-use.ts)', () => {
  const lease = (dir: string, name: string, body: string): string => {
    mkdirSync(leasesDir(dir), { recursive: true });
    const f = join(leasesDir(dir), name);
    writeFileSync(f, body);
    return f;
  };

  it('no lease folder: no use', () => {
    expect(liveUse(join(tmp, 'no-such-home'), 'v')).toBeNull();
  });

  it('a live process\'s lease names its use of the version asked, not of another', () => {
    const { dir } = home();
    // init (pid 1) is alive as long as the machine is.
    lease(dir, '1-aaaa.json', JSON.stringify({ pid: 1, uses: [{ version: 'p', why: 'evaluating it' }, { version: 'q', why: 'fine-tuning "r" from it' }] }));
    expect(liveUse(dir, 'q')).toEqual({ version: 'q', why: 'fine-tuning "r" from it', pid: 1 });
    expect(liveUse(dir, 'p')).toEqual({ version: 'p', why: 'evaluating it', pid: 1 });
    expect(liveUse(dir, 'x')).toBeNull();
    expect(readdirSync(leasesDir(dir))).toEqual(['1-aaaa.json']);
  });

  it('the leases of gone processes and malformed ones count for nothing and are removed; a half-written one of a live process is kept', () => {
    const { dir } = home();
    const gone = deadPid();
    lease(dir, `${gone}-a.json`, JSON.stringify({ pid: gone, uses: [{ version: 'v', why: 'training it' }] }));
    lease(dir, `${gone}-b.json`, '{"pid":');
    lease(dir, '1-c.json', '{"pid":');
    lease(dir, '1-d.json', JSON.stringify({ pid: 1.5, uses: [{ version: 'v', why: 'x' }] }));
    lease(dir, '1-e.json', JSON.stringify({ pid: 1, uses: 'v' }));
    lease(dir, '1-f.json', JSON.stringify({ uses: [{ version: 'v', why: 'x' }] }));
    expect(liveUse(dir, 'v')).toBeNull();
    expect(readdirSync(leasesDir(dir))).toEqual(['1-c.json']);
  });

  it('this process\'s own lease counts while it holds it; its release removes only that lease', () => {
    const { dir } = home();
    const releaseA = writeLease(dir, [{ version: 'a', why: 'training it' }]);
    const releaseB = writeLease(dir, [{ version: 'a', why: 're-embedding the library with it' }]);
    // Where docs/models.md says a job's lease is: <data folder>/models-in-use/PID-*.json.
    const leases = readdirSync(join(dir, 'models-in-use'));
    expect(leases).toHaveLength(2);
    expect(leases.every((n) => new RegExp(`^${process.pid}-.+\\.json$`).test(n))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'models-in-use', leases[0]), 'utf8')).pid).toBe(process.pid);
    releaseA();
    expect(liveUse(dir, 'a')).toEqual({ version: 'a', why: 're-embedding the library with it', pid: process.pid });
    releaseB();
    expect(liveUse(dir, 'a')).toBeNull();
    expect(readdirSync(leasesDir(dir))).toEqual([]);
  });
});
