/**
 * The Train screen on a fine-tune with too few held-out edits to compare (review T6), in Chromium
 * against `needledrop serve`: the versions table reads "n/a (1 held-out edit, 2 needed)" for such a
 * version, and a fine-tune started on the screen over shared/media/video (3 music videos, 1 held out)
 * shows no before/after figure for the held-out edits — the reason the engine wrote into model.json
 * instead — while the base benchmark row keeps its figures.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutNotComparedText, heldOutTooFew } from '../../electron/contract/wording';
import { hasChromium, SHARED_MEDIA, startApp, type App } from './harness';
import { seedBaseBenchmark } from '../helpers/base-benchmark';
import { randomVersion } from '../helpers/model-versions';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-held-out-'));
const home = join(root, 'home');
let app: App | undefined;
let page: Page;

/** A decimal figure (0.200, 1.000): what a Recall@K or MAP@R prints as. */
const FIGURE = /\d\.\d/;
const panel = () => page.locator('[data-screen-panel="train"]');

describe.skipIf(!hasChromium)('the Train screen with one held-out edit', () => {
  beforeAll(async () => {
    mkdirSync(home, { recursive: true });
    // The base benchmark rendered once per test run: this run's figures for it are what is checked, not its first render.
    await seedBaseBenchmark(home);
    await randomVersion(home, 'ft-few', { seed: 4, data: 'held-out e2e', metrics: { evaluations: { heldOut: { edits: 1, before: null, after: null, reason: heldOutTooFew(1, 0.25) }, base: null } } });
    app = await startApp(home);
    ({ page } = app);
    await page.locator('nav button[data-screen="train"]').click();
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("the versions table: such a version's R@10 is n/a with the count and how many are needed", async () => {
    const cell = panel().locator('tr[data-version="ft-few"] [data-testid="recall10"]');
    await expect.poll(() => cell.textContent()).toBe(heldOutNotComparedText(1));
    expect(await cell.textContent()).not.toMatch(FIGURE);
  });

  it('a fine-tune on the screen: the held-out row has no figure and the reason is shown; the base benchmark row has its figures', async () => {
    await page.getByLabel('Edits folder').fill(join(SHARED_MEDIA, 'video'));
    await page.getByLabel('Version name').fill('ft-app');
    // A few steps: what is checked (no held-out figure, its reason, the base row's figures) is the
    // same after 10 steps as after the screen's 200, at a fraction of the training.
    await page.getByLabel('Steps').fill('10');
    await panel().locator('[data-testid="start-finetune"]').click();
    const table = panel().locator('[data-testid="finetune-before-after"]');
    await table.waitFor({ timeout: 900_000 });
    const saved = JSON.parse(readFileSync(join(home, 'models', 'ft-app', 'model.json'), 'utf8')) as { metrics: { evaluations: { heldOut: { edits: number; before: unknown; reason: string } } } };
    expect(saved.metrics.evaluations.heldOut).toMatchObject({ edits: 1, before: null });
    const rows = await table.locator('tbody tr').allInnerTexts();
    const heldOut = rows.find((r) => r.startsWith('held-out edits')) ?? '';
    expect(heldOut).toContain(heldOutNotComparedText(1));
    expect(heldOut).not.toMatch(FIGURE);
    expect(rows.find((r) => r.startsWith('base benchmark'))).toMatch(FIGURE);
    expect(await panel().locator('[data-testid="held-out-reason"]').innerText()).toBe(`Held-out edits: ${saved.metrics.evaluations.heldOut.reason}`);
    // And the versions table, reloaded after the run, says the same of the new version.
    await expect.poll(() => panel().locator('tr[data-version="ft-app"] [data-testid="recall10"]').textContent(), { timeout: 30_000 }).toBe(heldOutNotComparedText(1));
  }, 900_000);

  it('raised no page error', () => {
    expect(app?.session.problems).toEqual([]);
  });
});
