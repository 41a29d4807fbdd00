/**
 * `needledrop models delete V [--yes] [--json]` on real version folders (copies of the shipped
 * base under other names): without --yes it says what would go (name, size, created time) and
 * changes nothing, exit 1, as `index --forget` does; with it the folder goes. Every refusal exits
 * 1 (2 for a name that is not a version's) and says why. Truths: the files the test put there
 * (their sizes summed by the test), the created time written into model.json, the folders left.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byteSize } from '../../../electron/contract/wording';
import { needledropWithEnv } from '../../helpers/cli';
import { copyOfBase, holdInAnotherProcess } from '../../helpers/model-versions';
import { deadPid } from '../../helpers/pids';

const tmp = mkdtempSync(join(tmpdir(), 'nd-models-delete-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A data folder of its own; TZ pinned so the created time reads as written (UTC, "+00:00"). */
function home(name: string): { dir: string; run: (...args: string[]) => ReturnType<typeof needledropWithEnv> } {
  const dir = join(tmp, name);
  return { dir, run: (...args) => needledropWithEnv({ NEEDLEDROP_HOME: dir, TZ: 'UTC' }, ...args) };
}

const folderBytes = (dir: string): number => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

describe('models delete', () => {
  it('without --yes: says name, size, created time and what else it touches, changes nothing, exit 1; with --yes the folder goes', async () => {
    const h = home('plain');
    const dir = copyOfBase(h.dir, 'a1', { parent: 'base', createdAt: '2026-12-01T10:00:00.000Z' });
    copyOfBase(h.dir, 'a2', { parent: 'a1', createdAt: '2026-12-01T11:00:00.000Z' });
    const files = readdirSync(dir).sort();
    const size = byteSize(folderBytes(dir));
    const would = await h.run('models', 'delete', 'a1');
    expect(would.code).toBe(1);
    expect(would.stdout).toBe('');
    expect(would.stderr).toBe(
      `models: would delete model version "a1" (${size} on disk, created 2026-12-01 10:00:00 +00:00, ${dir}, the parent of "a2", which will list it as deleted); nothing was changed: add --yes to delete it\n`,
    );
    expect(readdirSync(dir).sort()).toEqual(files);
    const json = await h.run('models', 'delete', 'a1', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ version: 'a1', dir, bytes: folderBytes(dir), createdAt: '2026-12-01T10:00:00.000Z', children: ['a2'], segmentTracks: 0, deleted: false });

    const done = await h.run('models', 'delete', 'a1', '--yes');
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe(`deleted model version "a1" (${size} on disk, created 2026-12-01 10:00:00 +00:00, ${dir}, the parent of "a2", which will list it as deleted)\n`);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(join(h.dir, 'models'))).toEqual(['a2']);
  }, 120_000);

  it('a child of a deleted version lists its parent as deleted; a rollback passing over it says so', async () => {
    const h = home('parent');
    copyOfBase(h.dir, 'p1', { parent: 'base' });
    copyOfBase(h.dir, 'c1', { parent: 'p1' });
    expect((await h.run('models', 'activate', 'p1')).code).toBe(0);
    expect((await h.run('models', 'activate', 'c1')).code).toBe(0);
    expect((await h.run('models', 'delete', 'p1', '--yes')).code).toBe(0);
    const list = await h.run('models', 'list');
    const row = list.stdout.split('\n').find((l) => / c1 /.test(l)) ?? '';
    expect(row).toMatch(/ p1 \(deleted\) /);
    const json = JSON.parse((await h.run('models', 'list', '--json')).stdout) as { models: Array<{ version: string; parent: string | null; parentDeleted?: boolean }> };
    expect(json.models.find((m) => m.version === 'c1')).toMatchObject({ parent: 'p1', parentDeleted: true });
    expect(json.models.find((m) => m.version === 'base')?.parentDeleted).toBeUndefined();
    const back = await h.run('models', 'rollback');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^rolled back: c1 → base \(passed over "p1": deleted or unusable since\)\n/);
  }, 120_000);

  it('the shipped base is refused with why (exit 1)', async () => {
    // Only the dry run here: the CLI's shipped folder is the repo's models/ (the engine test refuses --yes on a copy).
    const h = home('shipped');
    const r = await h.run('models', 'delete', 'base');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('needledrop models: model version "base" is shipped with Needledrop and cannot be deleted\n');
  }, 60_000);

  it('the active version is refused, saying to activate another first; nothing is removed', async () => {
    const h = home('active');
    const dir = copyOfBase(h.dir, 'mine', { parent: 'base' });
    expect((await h.run('models', 'activate', 'mine')).code).toBe(0);
    const r = await h.run('models', 'delete', 'mine', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('needledrop models: model version "mine" is the active one and cannot be deleted: activate another version first (or roll back), then delete it\n');
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
  }, 60_000);

  it('a version a job of another process uses (the app training from it) is refused, exit 1; once that process is gone it goes', async () => {
    const h = home('in-use');
    const dir = copyOfBase(h.dir, 'parent', { parent: 'base' });
    const app = await holdInAnotherProcess(h.dir, 'parent', 'fine-tuning "ft" from it');
    const r = await h.run('models', 'delete', 'parent', '--yes');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`needledrop models: model version "parent" is in use: fine-tuning "ft" from it is running (pid ${app.pid}); delete it when that has ended, or cancel it\n`);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    await app.kill();
    expect((await h.run('models', 'delete', 'parent', '--yes')).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
  }, 120_000);

  it('a name that is no version is refused: none such, one that could leave the models folder (named, not a usage error), a link: exit 1', async () => {
    const h = home('names');
    copyOfBase(h.dir, 'keep', { parent: 'base' });
    const none = await h.run('models', 'delete', 'ghost', '--yes');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('needledrop models: no model version "ghost" (see `needledrop models list`)\n');
    const names = ['..', '../keep', 'keep/..', '/tmp', join(h.dir, 'models', 'keep')];
    // At once: each is refused before anything is read, and five CLI start-ups in a row outlast the timeout on a loaded machine.
    for (const [name, r] of (await Promise.all(names.map((name) => h.run('models', 'delete', name, '--yes')))).map((r, i) => [names[i], r] as const)) {
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toBe(`needledrop models: model version "${name.length > 40 ? `${name.slice(0, 40)}…` : name}" must be letters, digits, ".", "_" or "-" (at most 64)\n`);
    }
    const outside = join(tmp, 'outside');
    copyOfBase(outside, 'far', { parent: 'base' });
    symlinkSync(join(outside, 'models', 'far'), join(h.dir, 'models', 'far'));
    const link = await h.run('models', 'delete', 'far', '--yes');
    expect(link.code).toBe(1);
    expect(link.stderr).toMatch(/models\/far: is a link, not a model version folder; only version folders inside .* are deleted \(remove the link yourself\)\n$/);
    expect(existsSync(join(outside, 'models', 'far', 'model.json'))).toBe(true);
    expect(readdirSync(join(h.dir, 'models')).sort()).toEqual(['far', 'keep']);
  }, 120_000);

  it('--yes belongs to delete; what a cut-short deletion left is not listed and the next command removes it', async () => {
    const h = home('leftover');
    const r = await h.run('models', 'list', '--yes');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes confirms "models delete": it does nothing alone/);
    copyOfBase(h.dir, 'half', { parent: 'base' });
    const trash = join(h.dir, 'models', `.deleting-${deadPid()}-00000000-half`);
    mkdirSync(join(h.dir, 'models'), { recursive: true });
    renameSync(join(h.dir, 'models', 'half'), trash);
    const list = await h.run('models', 'list', '--json');
    expect((JSON.parse(list.stdout) as { models: Array<{ version: string }> }).models.map((m) => m.version)).toEqual(['base']);
    expect(existsSync(trash)).toBe(false);
  }, 60_000);
});
