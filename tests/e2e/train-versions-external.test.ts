/**
 * Review R1.7: versions another process makes, activates or deletes (the CLI beside the app, the
 * app's training engine) raised no event, and the Train screen's versions table kept showing what
 * it first read: a version activated elsewhere was not marked active on the next visit, and an
 * action refused on the stale table (Activate of a version deleted meanwhile) left the stale row.
 * In Chromium against `needledrop serve`; the other process is this test's, through the registry
 * (its lock and pointer file, as the CLI's `models activate` uses them), the truth the pointer file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activate } from '../../electron/engine/models/registry';
import { contextFromEnv, registryOptions } from '../../electron/engine/service/context';
import { hasChromium, startApp, type App } from './harness';
import { copyOfBase } from '../helpers/model-versions';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-versions-ext-'));
const home = join(root, 'home');
let app: App | undefined;
let page: Page;
const panel = () => page.locator('[data-screen-panel="train"]');
const activeRow = () => panel().locator('tr.active').getAttribute('data-version');

describe.skipIf(!hasChromium)('the Train screen follows versions changed by another process', () => {
  beforeAll(async () => {
    copyOfBase(home, 'v-a');
    copyOfBase(home, 'v-b');
    app = await startApp(home);
    ({ page } = app);
    await page.locator('nav button[data-screen="train"]').click();
    await panel().locator('tr.active').waitFor({ timeout: 30_000 });
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a version activated by another process is marked active on the next visit', async () => {
    expect(await activeRow()).toBe('base');
    await activate('v-a', registryOptions(contextFromEnv({}, { dataDir: home })));
    expect(JSON.parse(readFileSync(join(home, 'active-model.json'), 'utf8')).active).toBe('v-a');
    await page.locator('nav button[data-screen="library"]').click();
    await page.locator('nav button[data-screen="train"]').click();
    await expect.poll(activeRow, { timeout: 15_000 }).toBe('v-a');
  });

  it('Activate of a version deleted meanwhile: the refusal is shown and the table shows what is there now', async () => {
    const row = panel().locator('tr[data-version="v-b"]');
    await row.waitFor();
    rmSync(join(home, 'models', 'v-b'), { recursive: true, force: true });
    await row.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => page.locator('[role="alert"], .error').first().innerText(), { timeout: 15_000 }).toMatch(/v-b/);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(0);
    expect(await activeRow()).toBe('v-a');
  });

  it('raised no page error', () => {
    expect(app?.session.problems).toEqual([]);
  });
});
