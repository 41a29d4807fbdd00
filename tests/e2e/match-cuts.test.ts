/**
 * The Match screen in Chromium against `needledrop serve` tells one truth about a clip's cuts
 * (review T5) and does not offer a match for a range too short to judge (review T9). The truth is
 * the clip's construction: hard cuts at known frames (two pairs 2 and 3 frames apart, which the
 * 10 fps analysis counted once each, and two on the in and out points set), so the markers, the
 * in–out count and the ranking's header must all say the constructed numbers.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardCuts, musicLike } from '../helpers/media';
import { hasChromium, openClipOnMatch, startAppOnLibrary, type App } from './harness';

const FPS = 25;
const CUTS = [1.0, 2.44, 2.52, 5.16, 5.28, 7.4, 9.0, 10.2];
/** Inside 1–9 s: not the cut the range begins on, nor the one on the frame after it. */
const IN_RANGE = 5;

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-cuts-'));
let app: App | undefined;
let page: Page;
let clip: string;

async function setPoint(which: 'set-in' | 'set-out', t: number): Promise<void> {
  await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement, x) => (v.currentTime = x), t);
  await page.click(`[data-testid="${which}"]`);
}

async function findMusic(): Promise<string> {
  await page.click('[data-testid="find-music"]');
  await page.locator('[data-testid="ranked"] .item, .match [role="alert"]').first().waitFor({ timeout: 300_000 });
  expect(await page.locator('.match [role="alert"]').count()).toBe(0);
  return page.locator('.match .summary').innerText();
}

describe.skipIf(!hasChromium)('the Match screen counts cuts once and refuses a range too short', () => {
  beforeAll(async () => {
    const music = join(root, 'music');
    mkdirSync(music);
    mkdirSync(join(root, 'home'));
    for (const [i, bpm] of [96, 128].entries()) await musicLike(music, { seconds: 16, bpm, name: `m${i}.wav` });
    clip = await hardCuts(root, { seconds: 12, cuts: CUTS, fps: FPS, name: 'cuts.mp4' });
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    page = app.page;
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('the markers, the in–out count and the ranking say the constructed cuts', async () => {
    await openClipOnMatch(page, clip);
    await expect.poll(() => page.locator('[data-testid="cut-count"]').innerText(), { timeout: 120_000 }).toBe(`${CUTS.length} shot cuts`);
    const markers = await page.locator('[data-testid="cut-marker"]').evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.time)));
    expect(markers).toHaveLength(CUTS.length);
    markers.forEach((c, i) => expect(Math.abs(c - CUTS[i])).toBeLessThanOrEqual(1 / FPS + 1e-6));

    // The whole clip: the ranking counts what the markers show (it said 6 for these 8).
    expect(await findMusic()).toMatch(new RegExp(`^${CUTS.length} cuts \\(`));

    // An in–out range from one cut to another: the ones inside it, under the clip and over the ranking alike.
    await setPoint('set-in', 1);
    await setPoint('set-out', 9);
    expect(await page.locator('[data-testid="range-cut-count"]').innerText()).toBe(`(${IN_RANGE} between In and Out)`);
    const summary = await findMusic();
    expect(summary).toMatch(new RegExp(`^${IN_RANGE} cuts \\(\\d+/min\\) in 0:01\\.0–0:09\\.0,`));
    // 8 s: one whole segment, no short-range note.
    expect(await page.locator('[data-testid="short-range"]').count()).toBe(0);
  }, 600_000);

  it('a 0.2 s in–out range is not sent: Find music is off and the screen says why; 2.5 s is ranked with the short-range note', async () => {
    await setPoint('set-in', 3);
    await setPoint('set-out', 3.2);
    const why = page.locator('[data-testid="too-short"]');
    await expect.poll(() => why.count()).toBe(1);
    expect(await why.innerText()).toBe(
      'The range 0:03.0–0:03.2 lasts 0.20 s, too short to match: the model judges at least 2.25 s of picture (five of its 0.5 s analysis steps). Move In or Out, or clear them.',
    );
    expect(await page.locator('[data-testid="find-music"]').isDisabled()).toBe(true);

    await setPoint('set-out', 5.5);
    await expect.poll(() => why.count()).toBe(0);
    expect(await page.locator('[data-testid="find-music"]').isDisabled()).toBe(false);
    await findMusic();
    expect(await page.locator('[data-testid="short-range"]').innerText()).toContain("judged on a short range: 2.50 s of picture, less than the model's 8 s segment");
    expect(app!.session.problems).toEqual([]);
  }, 600_000);
});
