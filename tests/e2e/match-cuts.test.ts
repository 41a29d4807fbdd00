/**
 * The Match screen in Chromium against `needledrop serve` tells one truth about a clip's cuts
 * (review T5) and does not offer a match for a range too short to judge (review T9). The truth is
 * the clip's construction: hard cuts at known frames (two pairs 2 and 3 frames apart, which the
 * 10 fps analysis counted once each, and two on the in and out points set), so the markers, the
 * in–out count and the ranking's header must all say the constructed numbers.
 * An In–Out range set on two of those cuts must show over their markers, with the outside dimmed
 * (review R2.15): paint order by elementFromPoint, dimming by the screenshots' pixels.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockTime } from '../../renderer/lib/format';
import { ffmpeg, hardCuts, musicLike } from '../helpers/media';
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

interface Gray {
  width: number;
  height: number;
  px: Uint8Array;
}

/** A PNG screenshot's pixels as 8-bit gray, decoded by ffmpeg (its size from the PNG header). */
async function gray(png: Buffer): Promise<Gray> {
  const dir = mkdtempSync(join(root, 'shot-'));
  writeFileSync(join(dir, 'shot.png'), png);
  const raw = await ffmpeg(['-i', join(dir, 'shot.png'), '-f', 'rawvideo', '-pix_fmt', 'gray'], join(dir, 'shot.gray'));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), px: new Uint8Array(readFileSync(raw)) };
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

  it('an In–Out range set on two cuts with [ ] I O reads at a glance: its edges over the cut markers, labelled, the picture outside dimmed (review R2.15)', async () => {
    const timeline = page.locator('[data-testid="timeline"]');
    const markers = page.locator('[data-testid="cut-marker"]');
    const times = await markers.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.time)));
    await page.locator('.timeline .thumb img').first().waitFor();
    await expect.poll(() => page.locator('.timeline .thumb img').evaluateAll((els) => els.every((el) => (el as HTMLImageElement).complete))).toBe(true);
    const video = page.locator('[data-testid="clip-video"]');
    const seekTo = (t: number): Promise<unknown> => video.evaluate((v: HTMLVideoElement, x) => (v.currentTime = x), t);
    const at = async (t: number): Promise<void> => {
      await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeCloseTo(t, 2);
      await expect.poll(() => page.locator('[data-testid="clock"]').innerText()).toMatch(new RegExp(`^${clockTime(t).replace('.', '\\.')} /`));
    };
    const key = async (k: string, t: number): Promise<void> => {
      await page.keyboard.press(k);
      await at(t);
    };
    // The timeline with no range, the playhead away from every cut (4 s: inside the range to come).
    await page.click('button[title="Clear in and out"]');
    await seekTo(4);
    await at(4);
    const before = await timeline.screenshot();

    // In on the first cut (1.0 s), Out on the sixth (7.4 s): ] from 0.5 s, I, ] ×5, O.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await seekTo(0.5);
    await at(0.5);
    await key(']', times[0]);
    await page.keyboard.press('i');
    for (const i of [1, 2, 3, 4, 5]) await key(']', times[i]);
    await page.keyboard.press('o');
    expect(await page.locator('[data-testid="set-in"]').innerText()).toBe(`In ${clockTime(times[0])}`);
    expect(await page.locator('[data-testid="set-out"]').innerText()).toBe(`Out ${clockTime(times[5])}`);
    await seekTo(4);
    await at(4);
    const after = await timeline.screenshot();

    // Paint order: with every timeline element hit-testable, the topmost element at each cut marker the
    // range begins or ends on, top to bottom, is that edge (the old range border lay under the marker).
    const box = (await timeline.boundingBox())!;
    const xs = await markers.evaluateAll((els) => els.map((el) => { const r = el.getBoundingClientRect(); return r.left + r.width / 2; }));
    const style = await page.addStyleTag({ content: '.timeline * { pointer-events: auto !important; }' });
    for (const [edge, x] of [['range-in', xs[0]], ['range-out', xs[5]]] as const) {
      for (const y of [box.y + 2, box.y + box.height * 0.3, box.y + box.height / 2, box.y + box.height - 3]) {
        const top = await page.evaluate(([px, py]) => {
          const el = document.elementFromPoint(px, py);
          return el?.closest('[data-testid^="range-"]')?.getAttribute('data-testid') ?? el?.className ?? null;
        }, [x, y]);
        expect(top, `topmost at x ${x.toFixed(1)}, y ${(y - box.y).toFixed(0)} of the timeline`).toBe(edge);
      }
    }
    await style.evaluate((el) => (el as Element).remove());

    // The picture outside the range is dimmed: measured on the screenshots' pixels (decoded by ffmpeg),
    // in a band of rows clear of the beat ticks, the band and the labels, and columns clear of every marker.
    const [g0, g1] = await Promise.all([gray(before), gray(after)]);
    const xIn = xs[0] - box.x;
    const xOut = xs[5] - box.x;
    const clear = (x: number): boolean => xs.every((m) => Math.abs(x - (m - box.x)) > 8) && Math.abs(x - ((4 / 12) * box.width)) > 8;
    const mean = (g: Gray, from: number, to: number): number => {
      let sum = 0;
      let n = 0;
      for (let x = Math.ceil(from); x < to; x++) {
        if (!clear(x)) continue;
        for (let y = Math.round(g.height * 0.3); y < Math.round(g.height * 0.6); y++) {
          sum += g.px[y * g.width + x];
          n++;
        }
      }
      return sum / n;
    };
    const outside = (g: Gray): number => (mean(g, 0, xIn) + mean(g, xOut, g.width)) / 2;
    expect(outside(g1) / outside(g0), 'outside the range, after / before').toBeLessThan(0.6);
    expect(mean(g1, xIn, xOut) / mean(g0, xIn, xOut), 'inside the range, after / before').toBeGreaterThan(0.9);

    // Labelled in words, not by colour alone.
    expect(await page.locator('[data-testid="range-in"]').innerText()).toBe('In');
    expect(await page.locator('[data-testid="range-out"]').innerText()).toBe('Out');
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
