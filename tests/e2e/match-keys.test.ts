/**
 * Keys on the Match screen in Chromium against `needledrop serve` (review R2.2): a focused control
 * keeps its own keys. Enter on "+ beat" (reached with Tab) moves the offset by one beat of the
 * track and records no feedback (it recorded an Accept for the chosen track, the offset unmoved);
 * Space on it does not start the clip; Enter on a ranked row chooses that row (it accepted the
 * row chosen before); a splice handle of the fit keeps Enter, Space and the arrows (↑ chose another
 * track and dropped the fit); with the focus on the page the shortcuts still play, move, accept and reject;
 * a second verdict on a track replaces its first, and the same verdict again takes it back (review R2.10).
 * Truths: the beat is the generated tracks' (100 BPM: 0.6 s), the feedback is the catalog's, read
 * from the engine over its own connection.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackItem } from '../../electron/contract/types';
import { hardCuts } from '../helpers/media';
import { synthTrack, wavBytes } from '../unit/fit/synth-track';
import { hasChromium, openClipOnMatch, startAppOnLibrary, type App } from './harness';

const SR = 22050;
const BEAT = 0.6;
const root = mkdtempSync(join(tmpdir(), 'nd-e2e-keys-'));
let app: App | undefined;
let page: Page;

const feedback = (): Promise<Pick<FeedbackItem, 'trackId' | 'verdict' | 'offset'>[]> =>
  app!.engine.call('feedback.list').then((list) => list.map(({ trackId, verdict, offset }) => ({ trackId, verdict, offset })));
const offsetShown = (): Promise<number> => page.locator('[data-testid="offset"]').evaluate((el) => Number((el as HTMLElement).dataset.offset));
const paused = (): Promise<boolean> => page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement) => v.paused);
const focusedText = (): Promise<string | undefined> => page.evaluate(() => document.activeElement?.textContent?.trim());
const chosen = (): Promise<{ rank: number; trackId: number }> =>
  page.locator('[data-testid="ranked"] .item.selected').evaluate((el) => ({ rank: Number((el as HTMLElement).dataset.rank), trackId: Number((el as HTMLElement).dataset.trackId) }));
const focusedRank = (): Promise<number | null> => page.evaluate(() => (document.activeElement instanceof HTMLElement && document.activeElement.dataset.rank ? Number(document.activeElement.dataset.rank) : null));

/** The offset once it is no longer `before` (the button ran). */
async function offsetAfter(before: number): Promise<number> {
  await page.waitForFunction((b) => Number((document.querySelector('[data-testid="offset"]') as HTMLElement).dataset.offset) !== b, before, { timeout: 10_000 });
  return offsetShown();
}

describe.skipIf(!hasChromium)('Match: a focused control keeps its own keys; the page’s shortcuts still work', () => {
  beforeAll(async () => {
    const music = join(root, 'music');
    mkdirSync(music);
    mkdirSync(join(root, 'home'));
    // Two tracks at 100 BPM (a tempo the catalog reads as it is): one beat is 0.6 s whichever ranks first.
    for (const [i, bars] of [8, 10].entries()) writeFileSync(join(music, `synth-${i}.wav`), wavBytes(synthTrack({ bars, bpm: 100, lead: 0.2 + 0.15 * i, sampleRate: SR }).pcm, SR));
    // Longer than either track (21.9 s and 26.9 s with their endings): a fit of either has to splice.
    const clip = await hardCuts(root, { seconds: 30, cuts: [3.04, 6.4, 12.2, 21.6], name: 'cuts.mp4' });
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    page = app.page;
    await openClipOnMatch(page, clip);
    await page.locator('[data-testid="clip-video"]').waitFor();
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="ranked"] .item.selected').waitFor({ timeout: 300_000 });
    expect(await page.locator('[data-testid="ranked"] .item').count()).toBe(2);
    // The chosen track's beats are loaded: the nudge buttons are enabled.
    await page.locator('[data-testid="nudge-later"]:not([disabled])').waitFor({ timeout: 30_000 });
  }, 900_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('Enter and Space on "+ beat" move the offset a beat each, record nothing and do not play', async () => {
    await page.locator('[data-testid="nudge-earlier"]').focus();
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('+ beat');
    const start = await offsetShown();

    await page.keyboard.press('Enter');
    const once = await offsetAfter(start);
    expect(Math.abs(once - start - BEAT)).toBeLessThan(0.02);
    await page.keyboard.press(' ');
    const twice = await offsetAfter(once);
    expect(Math.abs(twice - once - BEAT)).toBeLessThan(0.02);
    // Space runs the button on its key-up, after any shortcut would have run on key-down: play() sets paused at once.
    expect(await paused()).toBe(true);
    expect(await page.locator('[data-testid="verdict"]').count()).toBe(0);
    expect(await feedback()).toEqual([]);
  }, 120_000);

  it('Enter on a ranked row chooses that row; on the chosen row Enter and Backspace speak of its track, and the focus follows the choice', async () => {
    const first = await chosen();
    await page.locator(`[data-testid="ranked"] .item[data-rank="${first.rank}"]`).focus();
    await page.keyboard.press('Tab');
    const other = await focusedRank();
    expect(other).not.toBeNull();
    expect(other).not.toBe(first.rank);

    await page.keyboard.press('Enter');
    await expect.poll(() => chosen().then((c) => c.rank)).toBe(other);
    const second = await chosen();
    expect(await feedback()).toEqual([]);

    // The focused row is the chosen one: Enter accepts its track, as the Accept button would.
    const offset = await offsetShown();
    await page.keyboard.press('Enter');
    await expect.poll(feedback, { timeout: 10_000 }).toEqual([{ trackId: second.trackId, verdict: 'accept', offset }]);

    // ↑/↓ move the choice and the focus with it; Backspace then rejects that track.
    await page.keyboard.press(other! > first.rank ? 'ArrowUp' : 'ArrowDown');
    await expect.poll(() => chosen().then((c) => c.rank)).toBe(first.rank);
    expect(await focusedRank()).toBe(first.rank);
    const back = await offsetShown();
    await page.keyboard.press('Backspace');
    await expect.poll(feedback, { timeout: 10_000 }).toEqual([
      { trackId: second.trackId, verdict: 'accept', offset },
      { trackId: first.trackId, verdict: 'reject', offset: back },
    ]);
  }, 120_000);

  it('with the focus on the page, Space plays and pauses, ↓ moves the choice, Enter accepts', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await page.keyboard.press(' ');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).paused, undefined, { timeout: 10_000 });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => (document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).paused, undefined, { timeout: 10_000 });

    const before = await chosen();
    await page.keyboard.press(before.rank === 1 ? 'ArrowDown' : 'ArrowUp');
    await expect.poll(() => chosen().then((c) => c.rank)).not.toBe(before.rank);
    const now = await chosen();
    const earlier = await feedback();
    const offset = await offsetShown();
    // Its earlier verdict (a reject above) is replaced: one judgement per clip range × track (review R2.10).
    expect(earlier.find((f) => f.trackId === now.trackId)?.verdict).toBe('reject');
    const others = earlier.filter((f) => f.trackId !== now.trackId);
    await page.keyboard.press('Enter');
    await expect.poll(feedback, { timeout: 10_000 }).toEqual([...others, { trackId: now.trackId, verdict: 'accept', offset }]);
    await page.locator('[data-testid="verdict"]', { hasText: 'accepted' }).waitFor();
    expect(await page.locator('[data-testid="accept"]').getAttribute('aria-pressed')).toBe('true');
    // Enter again takes the accept back: the catalog forgets it and the chip goes.
    await page.keyboard.press('Enter');
    await expect.poll(feedback, { timeout: 10_000 }).toEqual(others);
    await page.locator('[data-testid="verdict"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="accept"]').getAttribute('aria-pressed')).toBe('false');

    // A verdict recorded elsewhere (another window, an earlier session) shows here and is taken back here.
    const kept = (await app!.engine.call('feedback.list'))[0];
    await app!.engine.call('feedback.record', { clip: kept.clipPath, start: kept.clipStart, end: kept.clipEnd, trackId: now.trackId, offset, verdict: 'reject' });
    await page.locator('[data-testid="verdict"]', { hasText: 'rejected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Backspace');
    await expect.poll(feedback, { timeout: 10_000 }).toEqual(others);
    await page.locator('[data-testid="verdict"]').waitFor({ state: 'detached' });
    expect((await chosen()).trackId).toBe(now.trackId);
  }, 120_000);

  it('Enter on "Fit to clip" fits; a focused splice handle keeps Enter, Space and ↑/↓ (they neither record, play nor choose another track)', async () => {
    await page.locator('[data-testid="fit"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="fit-panel"], .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    expect(await page.locator('.match [role="alert"]').count()).toBe(0);
    expect(await page.locator('[data-testid="splice-handle"]').count()).toBeGreaterThan(0);
    const track = await chosen();
    const earlier = await feedback();
    const ranges = (): Promise<string> => page.locator('[data-testid="fit-range"]').evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset.sourceStart}-${(el as HTMLElement).dataset.sourceEnd}`).join(' '));
    const planned = await ranges();

    await page.locator('[data-testid="splice-handle"]').first().focus();
    for (const key of ['Enter', ' ', 'ArrowUp', 'ArrowDown', 'Backspace']) await page.keyboard.press(key);
    // → is the handle's own key (a beat later): once the plan shows it, every key before it has been handled.
    await page.keyboard.press('ArrowRight');
    await expect.poll(ranges, { timeout: 60_000 }).not.toBe(planned);
    expect(await chosen()).toEqual(track);
    expect(await page.locator('[data-testid="fit-timeline"]').count()).toBe(1);
    expect(await paused()).toBe(true);
    expect(await feedback()).toEqual(earlier);
    expect(app!.session.problems).toEqual([]);
  }, 600_000);
});
