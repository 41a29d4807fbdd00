/**
 * Deleting a model version on the Train screen, in Chromium against `needledrop serve`: a Delete
 * per version, disabled with the reason for the shipped and the active one; a confirm step naming
 * the version with its size and creation time, Cancel changing nothing; after Delete the row goes,
 * the folder is gone and the child version reads its parent as deleted; a refusal (the version was
 * activated from another front meanwhile) is shown in words. Truths: the files the test put in the
 * data folder (their sizes summed by the test), the created time written into model.json, the
 * engine's own list.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../electron/contract/api';
import { byteSize } from '../../electron/contract/wording';
import { copyOfBase, randomVersion } from '../helpers/model-versions';
import { hasChromium, startApp, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-model-delete-'));
const home = join(root, 'home');
let app: App | undefined;
let engine: EngineApi;
let page: Page;
/** An instant in this machine's zone, which the browser shares, as Intl writes it: "2026-11-30 08:15" (sv-SE is ISO-ordered). */
const local = (iso: string): string =>
  new Intl.DateTimeFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

const panel = () => page.locator('[data-screen-panel="train"]');
const row = (v: string) => panel().locator(`tr[data-version="${v}"]`);
const folderBytes = (dir: string): number => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

describe.skipIf(!hasChromium)('deleting a model version on the Train screen, in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    await randomVersion(home, 'mine', { seed: 5, data: 'model-delete e2e' });
    copyOfBase(home, 'old-one', { parent: 'base', createdAt: '2026-11-30T08:15:00.000Z' });
    copyOfBase(home, 'child', { parent: 'old-one', createdAt: '2026-11-30T09:00:00.000Z' });
    app = await startApp(home);
    ({ engine, page } = app);
    await engine.call('models.activate', { version: 'mine' });
    await page.locator('nav button[data-screen="train"]').click();
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('the shipped and the active version have no Delete, with the reason; the others have one', async () => {
    await expect.poll(() => row('mine').getAttribute('class')).toMatch(/active/);
    const del = (v: string) => row(v).locator('[data-testid="delete-version"]');
    expect(await del('base').isDisabled()).toBe(true);
    expect(await del('base').getAttribute('title')).toBe('Shipped with Needledrop: it cannot be deleted');
    expect(await del('mine').isDisabled()).toBe(true);
    expect(await del('mine').getAttribute('title')).toBe('The active version: activate another one first to delete it');
    for (const v of ['old-one', 'child']) expect(await del(v).isDisabled(), v).toBe(false);
  });

  it('Delete asks first, naming the version, its size and creation time; Cancel changes nothing', async () => {
    const dir = join(home, 'models', 'old-one');
    await row('old-one').locator('[data-testid="delete-version"]').click();
    const confirm = panel().locator('[data-testid="delete-confirm"]');
    await confirm.waitFor();
    const text = await confirm.innerText();
    expect(text).toContain('Delete model version old-one?');
    expect(text).toContain(`Its folder (${byteSize(folderBytes(dir))}, created ${local('2026-11-30T08:15:00.000Z')}) is removed. This cannot be undone. child was made from it and will show it as deleted.`);
    expect(await confirm.locator('[data-testid="delete-confirm-button"]').innerText()).toBe('Delete old-one');
    await confirm.locator('button:has-text("Cancel")').click();
    expect(await confirm.count()).toBe(0);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    expect((await engine.call('models.list')).models.map((m) => m.version)).toContain('old-one');
  });

  it('confirmed: the row goes, the folder is gone, the child reads its parent as deleted', async () => {
    await row('old-one').locator('[data-testid="delete-version"]').click();
    await panel().locator('[data-testid="delete-confirm-button"]').click();
    await row('old-one').waitFor({ state: 'detached' });
    expect(existsSync(join(home, 'models', 'old-one'))).toBe(false);
    expect((await engine.call('models.list')).models.map((m) => m.version)).toEqual(['base', 'child', 'mine']);
    expect(await row('child').locator('[data-testid="parent-deleted"]').innerText()).toBe('from old-one (deleted)');
    expect(await panel().locator('[role="alert"]').count()).toBe(0);
  });

  it('a refusal is said in words: the version became active from another front while the question was open', async () => {
    await row('child').locator('[data-testid="delete-version"]').click();
    await panel().locator('[data-testid="delete-confirm"]').waitFor();
    await engine.call('models.activate', { version: 'child' });
    await panel().locator('[data-testid="delete-confirm-button"]').click();
    const alert = panel().locator('[role="alert"]');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('model version "child" is the active one and cannot be deleted: activate another version first (or roll back), then delete it');
    expect(existsSync(join(home, 'models', 'child', 'model.json'))).toBe(true);
    expect(await panel().locator('[data-testid="delete-confirm"]').count()).toBe(0);
    // The list has caught up: child is active now, so its Delete is disabled.
    await expect.poll(() => row('child').locator('[data-testid="delete-version"]').isDisabled()).toBe(true);
  });

  it('a folder whose name is no version name has no Delete, saying why; a broken one with a valid name is deleted (review S19)', async () => {
    // Put in the models folder by hand: both unusable (model.json is not JSON).
    for (const name of ['bad name!', 'broken']) {
      mkdirSync(join(home, 'models', name));
      writeFileSync(join(home, 'models', name, 'model.json'), '{oops');
    }
    await page.reload();
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
    await page.locator('nav button[data-screen="train"]').click();
    await row('bad name!').waitFor();
    expect(await row('bad name!').innerText()).toContain('unusable');
    const bad = row('bad name!').locator('[data-testid="delete-version"]');
    expect(await bad.isDisabled()).toBe(true);
    expect(await bad.getAttribute('title')).toBe('"bad name!" is not a version name (letters, digits, ".", "_" or "-", at most 64), so Needledrop does not delete it: remove its folder from the models folder yourself');
    // The engine refuses that name too, so Delete could only have failed.
    await expect(engine.call('models.delete', { version: 'bad name!', dryRun: true })).rejects.toMatchObject({ code: 'invalid-request' });

    await row('broken').locator('[data-testid="delete-version"]').click();
    await panel().locator('[data-testid="delete-confirm-button"]').click();
    await row('broken').waitFor({ state: 'detached' });
    expect(existsSync(join(home, 'models', 'broken'))).toBe(false);
    expect(existsSync(join(home, 'models', 'bad name!'))).toBe(true);
    expect(await panel().locator('[role="alert"]').count()).toBe(0);
  });

  it('by keyboard, Activate, the delete question\'s Escape and Delete leave the focus in the versions table, not on <body> (review R6.7)', async () => {
    const focus = (): Promise<{ in: string | null; what: string }> =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { in: el.closest('tr')?.getAttribute('data-version') ?? null, what: el.dataset.testid ?? el.tagName };
      });
    // Buttons named with their version, not "Activate" / "Delete…" on every row.
    expect(await panel().getByRole('button', { name: 'Activate mine', exact: true }).count()).toBe(1);
    await panel().getByRole('button', { name: 'Activate mine', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await engine.call('models.list')).active).toBe('mine');
    await expect.poll(focus).toEqual({ in: 'mine', what: 'active-chip' });

    const del = panel().getByRole('button', { name: 'Delete child…', exact: true });
    await expect.poll(() => del.isDisabled()).toBe(false);
    await del.focus();
    await page.keyboard.press('Enter');
    await panel().locator('[data-testid="delete-confirm"]').waitFor();
    await page.keyboard.press('Escape');
    await panel().locator('[data-testid="delete-confirm"]').waitFor({ state: 'detached' });
    expect(await focus()).toEqual({ in: 'child', what: 'delete-version' });

    const before = (await engine.call('models.list')).models.map((m) => m.version);
    await page.keyboard.press('Enter');
    await panel().locator('[data-testid="delete-confirm-button"]').focus();
    await page.keyboard.press('Enter');
    await row('child').waitFor({ state: 'detached' });
    const after = (await engine.call('models.list')).models.map((m) => m.version);
    expect(after).toEqual(before.filter((v) => v !== 'child'));
    // The row that took its place: its Delete… if it has one that works, else the table itself.
    const next = before[before.indexOf('child') + 1];
    const expected = next && !(await row(next).locator('[data-testid="delete-version"]').isDisabled()) ? { in: next, what: 'delete-version' } : { in: null, what: 'models' };
    await expect.poll(focus).toEqual(expected);
  });

  it('Match on an empty library says so before a clip is opened, with the way to Library (review R6.9)', async () => {
    expect((await engine.call('tracks.list', { limit: 1 })).total).toBe(0);
    await page.keyboard.press('Control+2');
    const empty = page.locator('[data-screen-panel="match"] [data-testid="match-library-empty"]');
    await empty.waitFor({ timeout: 10_000 });
    expect(await empty.innerText()).toContain('Your library is empty');
    await page.locator('[data-screen-panel="match"]').getByRole('button', { name: 'Go to Library' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-screen-panel="library"]').waitFor({ state: 'visible' });
  });
});
