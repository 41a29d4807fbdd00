/**
 * What the Train and Settings screens say (review S12), in Chromium against `needledrop serve`,
 * with the browser and the engine in Asia/Kolkata (+05:30, a zone no slicing of UTC matches):
 * - model versions' creation in local time, the clock of the default version name;
 * - a fine-tuned version's held-out R@10 beside its parent's (it showed "–");
 * - Fine-tune with Match feedback and no judgements is disabled, saying why; Pairs starts at the
 *   engine's own corpus minimum;
 * - a cancel is a note saying the step and that the same settings resume it, not a red error; the
 *   run resumed there; its notes, its ending and a validation chart named for what it validated on;
 * - Settings' Indexing workers 2.5 is rounded before sending (it showed the schema's refusal).
 * Truths: Intl in the zone, the numbers written into model.json, the engine's own messages and
 * settings, the corpus manifest's splits, pairsToTrain().
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../electron/contract/api';
import { pairsToTrain } from '../../electron/engine/corpus/plan';
import { hasChromium, startApp, type App } from './harness';
import { randomVersion } from '../helpers/model-versions';

const ZONE = 'Asia/Kolkata';
const root = mkdtempSync(join(tmpdir(), 'nd-e2e-train-'));
const home = join(root, 'home');
const corpus = join(home, 'corpus');
let app: App | undefined;
let engine: EngineApi;
let page: Page;
const zoneBefore = process.env.TZ;

/** An instant as Intl writes it in ZONE: "2026-12-01 13:34" (sv-SE is ISO-ordered). */
const inZone = (d: Date): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);

const side = (r10: number) => ({ recall1: r10 / 2, recall5: r10, recall10: r10, medianRank: 2, mapAtR: r10 / 2, gallery: 40 });

/** A version shaped as a fine-tune writes it: held-out edits before (parent) and after. */
async function fineTunedVersion(): Promise<void> {
  await randomVersion(home, 'ft-e2e', {
    seed: 3,
    data: 'train-screen e2e',
    metrics: { evaluations: { heldOut: { before: { method: 'parent base', videoToMusic: side(0.25) }, after: { method: 'ft-e2e', videoToMusic: side(0.5) } }, base: null } },
  });
}

const panel = () => page.locator('[data-screen-panel="train"]');

describe.skipIf(!hasChromium)('the Train and Settings screens, in Chromium', () => {
  beforeAll(async () => {
    // The browser (and the engine) take the zone from the environment they are started with.
    process.env.TZ = ZONE;
    mkdirSync(home, { recursive: true });
    await fineTunedVersion();
    app = await startApp(home);
    ({ engine, page } = app);
    // 4 s clips and 8 s tracks (not 10 s and 30 s): what is checked is the screen around a run, not
    // what it learns, and rendering and reading the corpus is most of the file's work.
    await runJob(engine, 'corpus', { out: corpus, pairs: pairsToTrain(), seed: 5, clipSeconds: 4, trackSeconds: 8 });
    await page.locator('nav button[data-screen="train"]').click();
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
    rmSync(root, { recursive: true, force: true });
  });

  it('the versions table: local times, on the clock of the default version name; a fine-tune reads its held-out R@10 and its parent\'s', async () => {
    // +05:30 in the browser (Chromium may name the zone Asia/Calcutta).
    expect(await page.evaluate(() => new Date().getTimezoneOffset())).toBe(-330);
    const { models } = await engine.call('models.list');
    expect(models.map((m) => m.version).sort()).toEqual(['base', 'ft-e2e']);
    for (const m of models) {
      await expect.poll(() => panel().locator(`tr[data-version="${m.version}"] [data-testid="created"]`).textContent()).toBe(inZone(new Date(m.createdAt as string)));
    }
    const now = inZone(new Date());
    const name = await page.getByLabel('Version name').inputValue();
    // user-YYYYMMDD-HHMM, the minute the screen opened: local, as the table.
    expect(name.slice(0, 'user-YYYYMMDD'.length)).toBe(`user-${now.slice(0, 10).replaceAll('-', '')}`);
    const cell = (await panel().locator('tr[data-version="ft-e2e"] [data-testid="recall10"]').textContent()) ?? '';
    expect(cell).toContain('0.500');
    expect(cell).toContain('parent 0.250');
  });

  it('Fine-tune on Match feedback with no judgements is disabled and says why; Pairs starts at the corpus minimum', async () => {
    expect(await engine.call('feedback.list')).toEqual([]);
    const button = panel().locator('[data-testid="start-finetune"]');
    await expect.poll(() => button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toMatch(/^no judgements recorded yet: accept or reject tracks on the Match screen/);
    await page.getByLabel('Edits folder').fill(root);
    expect(await button.isDisabled()).toBe(false);
    await page.getByLabel('Edits folder').fill('');
    expect(await page.locator('input[aria-label="Pairs"]').getAttribute('min')).toBe(String(pairsToTrain()));
  });

  it('a cancel is a note with the step, not an error; the same settings resume there; the run\'s notes, ending and validation chart', async () => {
    const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { pairs: Array<{ split: string }> };
    const count = (s: string): number => manifest.pairs.filter((p) => p.split === s).length;
    await page.getByLabel('Corpus folder').fill(corpus);
    await page.getByLabel('Steps').fill('150');
    await page.getByLabel('Version name').fill('e2e-cancel');
    await panel().locator('[data-testid="start-training"]').click();
    await page.waitForFunction(() => Number(document.querySelector('svg[data-chart="Training loss"]')?.getAttribute('data-points') ?? 0) >= 15, null, { timeout: 300_000, polling: 200 });
    // The phase in words while it runs ('Training', not 'train').
    const phase = panel().locator('[data-testid="job-phase"]');
    expect(await phase.textContent()).not.toBe(await phase.getAttribute('data-phase'));
    // Start training keeps the focus while the run goes on; the run's Cancel, pressed from the keyboard, gives it back (review R6.7).
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('start-training');
    await panel().locator('[data-testid="cancel-training"]').focus();
    await page.keyboard.press('Enter');
    const note = panel().locator('[data-testid="train-cancelled"]');
    await note.waitFor({ timeout: 120_000 });
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid)).toBe('start-training');
    const job = (await engine.call('jobs.list')).find((j) => j.op === 'train');
    expect(job?.state).toBe('cancelled');
    const step = Number(/training cancelled at step (\d+) of 150/.exec(job?.error ?? '')?.[1]);
    expect(step).toBeGreaterThan(0);
    expect(await note.innerText()).toContain(`Cancelled at step ${step} — Start training again with the same settings`);
    expect(await panel().locator('[role="alert"]').count()).toBe(0);

    await panel().locator('[data-testid="start-training"]').click();
    const ending = panel().locator('[data-testid="train-ending"]');
    await ending.waitFor({ timeout: 600_000 });
    expect(await ending.innerText()).toMatch(new RegExp(`^resumed at step ${step}, `));
    expect(await note.count()).toBe(0);
    // A test split of 10 or fewer pairs cannot be ranked for Recall@10: the run says so, and a val
    // split that small is validated on the MRR, which the chart is named for.
    const notes = await panel().locator('[data-testid="train-note"]').allInnerTexts();
    if (count('test') <= 10) expect(notes.some((n) => n.includes(`the test split has ${count('test')} pairs`))).toBe(true);
    const charts = await panel().locator('.charts svg').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('data-chart')));
    expect(charts).toEqual(['Training loss', count('val') <= 10 ? 'Validation MRR' : 'Validation Recall@10']);
    // The loss axis reads back as numbers: its top at least the last loss, and apart from its bottom.
    const loss = panel().locator('svg[data-chart="Training loss"]');
    const top = Number(await loss.locator('[data-testid="y-high"]').textContent());
    const bottom = Number(await loss.locator('[data-testid="y-low"]').textContent());
    const last = Number(/: (\S+)$/.exec((await loss.locator('.label').textContent()) ?? '')?.[1]);
    expect(last).toBeGreaterThan(0);
    expect(top).toBeGreaterThanOrEqual(last);
    expect(top).toBeGreaterThan(bottom);
    // A screen reader hears the values, not "Training loss, image" (review R6.7): the last step, the last value as
    // printed, the first, and the lowest and highest (at or beyond both).
    const said = (await loss.getAttribute('aria-label')) ?? '';
    const m = /^Training loss at step (\d+): (\S+); from (\S+) at step (\d+); lowest (\S+), highest (\S+); (\d+) points$/.exec(said);
    expect(m, said).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(step);
    expect(Number(m![1])).toBeLessThanOrEqual(150);
    expect(Number(m![2])).toBe(last);
    expect(Number(m![4])).toBeLessThan(Number(m![1]));
    expect(Number(m![7])).toBe(Number(await loss.getAttribute('data-points')));
    expect(Number(m![5])).toBeLessThanOrEqual(Math.min(last, Number(m![3])));
    expect(Number(m![6])).toBeGreaterThanOrEqual(Math.max(last, Number(m![3])));
  }, 900_000);

  it('Settings: Indexing workers are rounded and clamped before sending, the field shows what is in force, no schema text', async () => {
    await page.locator('nav button[data-screen="settings"]').click();
    const field = page.getByLabel('Indexing workers');
    for (const [typed, kept] of [['2.5', 3], ['0', 1], ['100', 64], ['2', 2]] as const) {
      await field.fill(typed);
      await field.press('Enter');
      await field.blur();
      await expect.poll(async () => (await engine.call('settings.get')).jobs).toBe(kept);
      expect(await field.inputValue()).toBe(String(kept));
    }
    expect(await page.locator('[data-screen-panel="settings"] [role="alert"]').count()).toBe(0);
  });

  it('raised no page error', () => {
    expect(app?.session.problems).toEqual([]);
  });
});
