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

  // ── keyboard and screen-reader users (review R6) ─────────────────────────
  const focused = (): Promise<string> =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return !el || el === document.body ? 'body' : (el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName);
    });
  const announced = (): Promise<string> => page.locator('[data-testid="announcer"]').innerText();

  it('a rejected row says so in words and keeps AA contrast; the chosen row is aria-current; "×" is named (R6.5, R6.10)', async () => {
    const track = await chosen();
    const item = page.locator(`[data-testid="ranked"] .item[data-rank="${track.rank}"]`);
    expect(await item.getAttribute('aria-current')).toBe('true');
    await page.locator('[data-testid="reject"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(feedback, { timeout: 10_000 }).toContainEqual(expect.objectContaining({ trackId: track.trackId, verdict: 'reject' }));
    // A reject moves the choice on: the one chosen row is aria-current.
    expect(await page.locator('[data-testid="ranked"] .item[aria-current="true"]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.rank))).toEqual([String((await chosen()).rank)]);
    // The row's accessible name: its rank, its name, its standing and the verdict, nothing of the why chips.
    const name = (await item.locator('.name').innerText()).trim();
    const standingText = (await item.locator('[data-testid="standing"]').innerText()).trim();
    expect(await page.getByRole('button', { name: `${track.rank} ${name} ${standingText} rejected`, exact: true }).count()).toBe(1);
    // WCAG contrast of every text in the row against the card it is drawn on, opacity composed (4.5:1 for AA).
    const ratios = await item.evaluate((row) => {
      const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
      const lum = ([r, g, b]: number[]): number => {
        const f = (v: number): number => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      let bg = [0, 0, 0];
      for (let el: Element | null = row; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) {
          bg = c.slice(0, 3);
          break;
        }
      }
      let opacity = 1;
      for (let el: Element | null = row; el; el = el.parentElement) opacity *= Number(getComputedStyle(el).opacity);
      const out: number[] = [];
      for (const el of [row, ...Array.from(row.querySelectorAll('*'))]) {
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim());
        if (!own || (el as HTMLElement).offsetParent === null || el.closest('.visually-hidden')) continue;
        const fg = rgb(getComputedStyle(el).color).slice(0, 3).map((v, i) => v * opacity + bg[i] * (1 - opacity));
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        out.push((a + 0.05) / (b + 0.05));
      }
      return out;
    });
    expect(ratios.length).toBeGreaterThan(2);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);
    expect(await page.getByRole('button', { name: 'Clear in and out', exact: true }).count()).toBe(1);
  }, 60_000);

  it('Find music keeps the focus while it ranks, then gives it to the chosen row, and the ranking is said in the live region (R6.3, R6.4)', async () => {
    await page.locator('[data-testid="find-music"]').focus();
    // The clip was ranked before, so this ranking decodes nothing and its bar may live a few
    // milliseconds: the page itself notes the bar's name and the focus the moment the bar is drawn.
    await page.evaluate(() => {
      const seen: { label: string | null; focus: string | null }[] = [];
      (window as unknown as { seenBar: typeof seen }).seenBar = seen;
      const observer = new MutationObserver(() => {
        const bar = document.querySelector('[data-job-op="match"] [role="progressbar"]');
        if (!bar) return;
        seen.push({ label: bar.getAttribute('aria-label'), focus: (document.activeElement as HTMLElement | null)?.dataset.testid ?? null });
        observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (window as unknown as { seenBar: unknown[] }).seenBar.length), { timeout: 30_000 }).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { seenBar: unknown[] }).seenBar)).toEqual([{ label: 'Matching', focus: 'find-music' }]);
    await page.locator('[data-job-op="match"]').waitFor({ state: 'detached', timeout: 300_000 });
    await page.locator('[data-testid="ranked"] .item.selected').waitFor();
    // Then the chosen row of the ranking takes it (Space plays there, Enter accepts).
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('true');
    const top = (await page.locator('[data-testid="ranked"] .item[data-rank="1"] .name').innerText()).trim();
    await expect.poll(announced, { timeout: 5000 }).toMatch(new RegExp(`^Ranked 2 tracks: 1st ${top.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, `));
  }, 600_000);

  it('Library: the table moves by keyboard with the chosen row focused and selected; Scan keeps the focus and says its result (R6.2, R6.3, R6.4)', async () => {
    await page.keyboard.press('Control+1');
    await page.locator('[data-screen-panel="library"]').waitFor({ state: 'visible' });
    const list = await app!.engine.call('tracks.list', { sort: 'title', limit: 10 });
    expect(list.total).toBe(2);
    await page.locator('.library .viewport').focus();
    expect(await page.locator('.library .viewport').evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    const rowOf = async (): Promise<{ index: string | undefined; selected: string | null; text: string; outline: string }> =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return { index: el.dataset.index, selected: el.getAttribute('aria-selected'), text: el.innerText, outline: getComputedStyle(el).outlineStyle };
      });
    for (const [key, at] of [['ArrowDown', 0], ['End', 1], ['Home', 0], ['PageDown', 1]] as const) {
      await page.keyboard.press(key);
      await expect.poll(() => rowOf().then((r) => r.index), { timeout: 5000 }).toBe(String(at));
      const r = await rowOf();
      expect(r.selected, key).toBe('true');
      expect(r.outline, key).not.toBe('none');
      const t = list.tracks[at];
      // The energy is read as a figure, not only drawn as a bar.
      expect(r.text, key).toContain(t.energy.toFixed(2));
      await expect.poll(() => page.locator('[data-testid="track-detail"] .path').innerText()).toBe(t.path);
    }
    const row = page.locator('.library .tr[aria-selected="true"]');
    expect(await row.getByRole('gridcell').count()).toBe(7);

    const scan = page.locator('[data-testid="scan"]');
    await scan.focus();
    await page.keyboard.press(' ');
    await page.locator('[data-testid="scan-report"]').waitFor({ timeout: 120_000 });
    expect(await focused()).toBe('scan');
    await expect.poll(announced, { timeout: 5000 }).toMatch(/^Scan done: 0 new, 2 unchanged, 0 removed, 0 failed\./);
  }, 180_000);

  it('Library: Escape on the remove-folder question puts the focus back on the folder’s ×; at 200 % zoom the table scrolls sideways (R6.4, R6.8)', async () => {
    const [folder] = await app!.engine.call('library.folders');
    const remove = page.getByRole('button', { name: `Remove ${folder}`, exact: true });
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="remove-folder"]').waitFor();
    expect(await focused()).toBe('BUTTON');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="remove-folder"]').waitFor({ state: 'detached' });
    expect(await focused()).toBe(`Remove ${folder}`);
    expect(await app!.engine.call('library.folders')).toEqual([folder]);
    // At least 24 × 24 px to hit (WCAG 2.5.8).
    const box = (await remove.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(24);

    // A 1280 × 800 window at 200 %: 640 × 400 CSS pixels. Every column header is there to scroll to, none is cut off.
    await page.setViewportSize({ width: 640, height: 400 });
    try {
      const cut = await page.locator('.library .table').evaluate((table) => {
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(table).overflowX);
        const right = table.getBoundingClientRect().left + (scrolls ? table.scrollWidth : table.clientWidth);
        return Array.from(table.querySelectorAll('[role="columnheader"]')).filter((h) => h.getBoundingClientRect().right > right + 1).map((h) => h.textContent);
      });
      expect(cut).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }, 60_000);

  it('every screen is one named region; Settings turns the single-key shortcuts off and Match then ignores I, Space and Enter (R6, WCAG 2.1.4)', async () => {
    // The same landmark on each screen (Explore, Train and Settings had none).
    for (const [n, name] of ['Library', 'Match', 'Explore', 'Train', 'Settings'].entries()) {
      await page.keyboard.press(`Control+${n + 1}`);
      await page.locator(`[data-screen-panel="${name.toLowerCase()}"]`).waitFor({ state: 'visible' });
      expect(await page.getByRole('region', { name, exact: true }).count(), name).toBe(1);
    }
    const box = page.locator('[data-testid="settings-single-keys"]');
    expect(await box.isChecked()).toBe(true);
    expect((await app!.engine.call('settings.get')).singleKeyShortcuts).toBe(true);
    await box.uncheck();
    await expect.poll(() => app!.engine.call('settings.get').then((s) => s.singleKeyShortcuts)).toBe(false);

    await page.keyboard.press('Control+2');
    await page.locator('.screen.match[data-single-keys="false"]').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('[data-testid="range-in"]').count()).toBe(0);
    const before = await feedback();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (const key of ['i', ' ', 'Enter', 'Backspace']) await page.keyboard.press(key);
    // Given the time to act (a verdict is a round trip to the engine), none did.
    await page.waitForTimeout(1000);
    expect(await page.locator('[data-testid="range-in"]').count()).toBe(0);
    expect(await paused()).toBe(true);
    expect(await feedback()).toEqual(before);

    // On again: I sets the In point.
    await page.keyboard.press('Control+5');
    await box.check();
    await page.keyboard.press('Control+2');
    await page.locator('.screen.match[data-single-keys="true"]').waitFor({ state: 'visible', timeout: 10_000 });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('i');
    await page.locator('[data-testid="range-in"]').waitFor({ timeout: 5000 });
  }, 60_000);
});
