/**
 * The app in Chromium against the real engine behind `needledrop serve`: a catalog scanned from
 * the shared recordings plus generated tracks and one broken file, then every screen's main job.
 * Truths come from outside the UI: the files we put in, ffprobe, and the engine asked directly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../electron/contract/api';
import { percent, standing, STANDING_AS_SHARE_FROM, topPercent } from '../../renderer/lib/format';
import { decodeMono, rmsBetween } from '../helpers/media';
import { connectEngine, ensureRendererBuilt, hasChromium, openApp, probe, REPO, screenshot, SHARED_MEDIA, startServe, type Served, type Session } from './harness';

const MUSIC = join(SHARED_MEDIA, 'music');
const CLIP = join(SHARED_MEDIA, 'video/big_buck_bunny_0_30.webm');
const root = mkdtempSync(join(tmpdir(), 'nd-e2e-'));
const generated = join(root, 'generated');
const realTracks = readdirSync(MUSIC).filter((f) => f.endsWith('.ogg'));
const GENERATED = ['pulse-120.wav', 'drone-low.flac'];
const BAD = 'broken.mp3';

let served: Served;
let session: Session;
let engine: EngineApi;
let closeEngine: (() => void) | undefined;
let page: Page;

function makeGeneratedMusic(): void {
  mkdirSync(generated, { recursive: true });
  const ff = (args: string[]): void => void execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  // A 120 BPM click over a tone, and a slow low drone: two clearly different tracks.
  ff(['-f', 'lavfi', '-i', 'sine=frequency=880:duration=20,volume=enable=\'lt(mod(t,0.5),0.05)\':volume=1,volume=enable=\'gte(mod(t,0.5),0.05)\':volume=0.05', '-ar', '22050', join(generated, GENERATED[0])]);
  ff(['-f', 'lavfi', '-i', 'sine=frequency=110:duration=20', '-af', 'tremolo=f=0.5:d=0.6', '-ar', '22050', join(generated, GENERATED[1])]);
  // Random bytes named .mp3: the scan must list it with its reason.
  writeFileSync(join(generated, BAD), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
}

async function go(screen: string): Promise<void> {
  await page.click(`nav button[data-screen="${screen}"]`);
  await page.locator(`[data-screen-panel="${screen}"]`).waitFor({ state: 'visible' });
}

describe.skipIf(!hasChromium)('the app in Chromium against needledrop serve', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    makeGeneratedMusic();
    served = await startServe(join(root, 'home'));
    ({ api: engine, close: closeEngine } = await connectEngine(served));
    session = await openApp(served.url);
    page = session.page;
  }, 240_000);

  afterAll(async () => {
    await session?.browser.close();
    closeEngine?.();
    await served?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows what to do first, then scans two folders: every readable file listed, the broken one with its reason', async () => {
    await page.locator('[data-testid="empty-library"]').waitFor();
    await screenshot(page, 'library-empty');
    for (const folder of [MUSIC, generated]) {
      await page.fill('input[aria-label="Music folder path"]', folder);
      await page.click('text=Add folder');
      await page.locator(`.folder[title="${folder}"]`).waitFor();
    }
    await page.click('[data-testid="scan"]');
    await page.locator('[data-job-op="library.scan"]').waitFor();
    await page.locator('[data-testid="scan-report"]').waitFor({ timeout: 600_000 });

    const expected = realTracks.length + GENERATED.length;
    await expect.poll(() => page.locator('[data-testid="track-total"]').textContent()).toBe(`${expected} tracks`);
    expect((await engine.call('tracks.list', { limit: 100 })).total).toBe(expected);

    await page.click('[data-testid="failed-toggle"]');
    const failed = page.locator('[data-testid="failed-list"] li');
    await expect.poll(() => failed.count()).toBe(1);
    const text = (await failed.first().textContent()) ?? '';
    expect(text).toContain(join(generated, BAD));
    expect(text.replace(join(generated, BAD), '').trim().length).toBeGreaterThan(5);

    // Sort by BPM (descending first): the rows' BPMs never rise.
    await page.click('button[data-sort="bpm"]');
    await expect.poll(() => page.locator('button[data-sort="bpm"]').getAttribute('aria-sort')).toBe('descending');
    await expect
      .poll(async () => {
        const bpms = (await page.locator('.tr .num:nth-child(5)').allTextContents()).map(Number).filter(Number.isFinite);
        return bpms.length > 1 && bpms.every((b, i) => i === 0 || b <= bpms[i - 1]);
      })
      .toBe(true);

    // Ctrl+F searches.
    await page.keyboard.press('Control+f');
    await page.keyboard.type('Vibe Ace', { delay: 200 }); // a person's pace: the table asks for "V", "Vi", … as they come
    // Wait for the whole query: on a slow machine "Vibe A" is asked first and also finds one row,
    // and a click on it was lost when the final query replaced the rows (CI at 4553387).
    await expect.poll(() => page.locator('[data-testid="track-total"]').getAttribute('data-search')).toBe('Vibe Ace');
    await expect.poll(() => page.locator('.tr[data-track-id]').count()).toBe(1);
    await expect(page.locator('.tr[data-track-id] .title').textContent()).resolves.toContain('Vibe Ace');
    await page.click('.tr[data-track-id]');
    await page.locator('[data-testid="track-detail"]').waitFor();
    await page.fill('input[aria-label="Search tracks"]', '');
    await expect.poll(() => page.locator('.tr[data-track-id]').count()).toBe(expected);
    await screenshot(page, 'library');
  }, 900_000);

  it('matches a real clip, previews it on one clock, records the verdict and exports a file that probes right', async () => {
    await go('match');
    await page.locator('[data-testid="empty-match"]').waitFor();
    await page.fill('input[aria-label="Clip path"]', CLIP);
    await page.keyboard.press('Control+o');
    const video = page.locator('[data-testid="clip-video"]');
    await video.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).readyState >= 1, null, { timeout: 30_000 });

    // Review R11: a failed open leaves the clip that is open, and the box names it again.
    const missing = join(root, 'no-such-clip.mp4');
    await page.fill('input[aria-label="Clip path"]', missing);
    await page.keyboard.press('Control+o');
    await expect.poll(() => page.locator('.match [role="alert"]').first().textContent()).toContain('file not found');
    expect(await page.inputValue('input[aria-label="Clip path"]')).toBe(CLIP);
    await page.locator('.match [role="alert"] button[aria-label="Dismiss"]').click();

    // Seek near the end: the bridge answers ranges, so the browser can get there.
    const clipSeconds = Number(probe(CLIP).format.duration);
    const target = clipSeconds - 1.5;
    const seeked = await page.evaluate(async (t) => {
      const v = document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement;
      await new Promise<void>((ok) => {
        v.addEventListener('seeked', () => ok(), { once: true });
        v.currentTime = t;
      });
      const s = v.seekable;
      return { currentTime: v.currentTime, seekableEnd: s.length ? s.end(s.length - 1) : 0, duration: v.duration };
    }, target);
    expect(seeked.seekableEnd).toBeGreaterThanOrEqual(target);
    expect(Math.abs(seeked.currentTime - target)).toBeLessThan(0.1);
    expect(Math.abs(seeked.duration - clipSeconds)).toBeLessThan(0.2);

    // In/out points by key: I at 2 s, O at 12 s.
    await page.evaluate(() => ((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime = 2));
    await page.waitForFunction(() => Math.abs((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime - 2) < 0.05);
    await page.locator('body').press('i');
    await page.evaluate(() => ((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime = 12));
    await page.waitForFunction(() => Math.abs((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime - 12) < 0.05);
    await page.locator('body').press('o');

    await page.click('[data-testid="find-music"]');
    const ranked = page.locator('[data-testid="ranked"] .item');
    await page.locator('[data-testid="ranked"] .item, .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    if (await page.locator('.match [role="alert"]').count()) throw new Error(`matching failed: ${await page.locator('.match [role="alert"]').first().textContent()}`);
    const total = (await engine.call('tracks.list', { limit: 1 })).total;
    expect(await ranked.count()).toBeGreaterThan(0);
    expect(await ranked.count()).toBeLessThanOrEqual(total);
    await expect(ranked.first().getAttribute('class')).resolves.toContain('selected');
    const trackId = Number(await ranked.first().getAttribute('data-track-id'));

    // The headline is the standing, true on any media: "top x %" from the row's rank among all
    // catalogued tracks ("2nd of 8" below 20 tracks, as the CLI says it), the bar its share of the list ranked at or below it (never empty). The
    // shipped calibration (read from its file here) applied to the score in the row's title is
    // only the secondary "model confidence … (calibrated on synthetic test pairs)", never rising.
    const cal = JSON.parse(readFileSync(join(REPO, 'models/base/match-calibration.json'), 'utf8')) as { slope: number; intercept: number };
    const rows = await ranked.evaluateAll((items) =>
      items.map((el) => ({
        headline: el.querySelector('[data-testid="standing"]')?.textContent?.trim() ?? '',
        confidence: Number(el.querySelector('[data-testid="standing"]')?.getAttribute('data-confidence')),
        title: el.querySelector('[data-testid="standing"]')?.getAttribute('title') ?? '',
        rankOf: el.querySelector('[data-testid="rank-of"]')?.textContent?.trim() ?? '',
        bar: (el.querySelector('[data-testid="standing-bar"]')?.getBoundingClientRect().width ?? 0) / (el.querySelector('.scorebar')?.getBoundingClientRect().width ?? 1),
      })),
    );
    rows.forEach((row, i) => {
      const score = Number(/score (-?\d+\.\d+)/.exec(row.title)?.[1]);
      expect(row.headline).toBe(total < STANDING_AS_SHARE_FROM ? `${i + 1}${['st', 'nd', 'rd'][i] ?? 'th'} of ${total}` : topPercent((i + 1) / total));
      // The place is said once: in the headline in a small library, beside the BPM in a big one.
      expect(row.rankOf).toBe(total < STANDING_AS_SHARE_FROM ? '' : `#${i + 1} of ${total}`);
      expect(row.bar).toBeCloseTo((total - i) / total, 1);
      expect(row.confidence).toBeCloseTo(1 / (1 + Math.exp(-(cal.slope * score + cal.intercept))), 2);
      expect(row.title).toContain(`model confidence ${percent(row.confidence)} (calibrated on synthetic test pairs)`);
      expect(row.title).not.toMatch(/\bfit\b/);
      if (i > 0) expect(row.confidence).toBeLessThanOrEqual(rows[i - 1].confidence);
    });
    // Says the model is unsure exactly when even the best track stays under confidence 1/2.
    expect(await page.locator('[data-testid="low-fit"]').count()).toBe(rows[0].confidence < 0.5 ? 1 : 0);
    if (rows[0].confidence < 0.5) {
      await expect(page.locator('[data-testid="low-fit"]').textContent()).resolves.toContain(`best model confidence ${percent(rows[0].confidence)} (calibrated on synthetic test pairs);`);
    }
    const why = (await page.locator('[data-testid="fit-why"]').textContent()) ?? '';
    expect(why.startsWith(total < STANDING_AS_SHARE_FROM ? `${standing({ top: 1 / total, of: total })} for this clip · ` : `#1 of ${total} for this clip, ${topPercent(1 / total)}`)).toBe(true);
    expect(why).toContain(`model confidence ${percent(rows[0].confidence)} (calibrated on synthetic test pairs)`);

    // The preview: clip muted, the track's audio from its offset, following the video's clock, between
    // In and Out as the export writes it (review R2.13): played from inside the range (the keys left it at Out).
    await page.evaluate(() => ((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime = 3));
    await page.waitForFunction(() => Math.abs((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime - 3) < 0.05);
    await page.locator('body').press(' ');
    await page.waitForFunction(() => !(document.querySelector('[data-testid="track-audio"]') as HTMLAudioElement).paused, null, { timeout: 15_000 });
    await page.waitForTimeout(800);
    await page.locator('body').press('k');
    // K stops the clip; the track stops with it (on the clip's pause event).
    await page.waitForFunction(() => (document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).paused && (document.querySelector('[data-testid="track-audio"]') as HTMLAudioElement).paused, null, { timeout: 10_000 });
    const clock = await page.evaluate(() => {
      const v = document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement;
      const a = document.querySelector('[data-testid="track-audio"]') as HTMLAudioElement;
      return { muted: v.muted, videoTime: v.currentTime, audioTime: a.currentTime, src: a.currentSrc };
    });
    expect(clock.muted).toBe(true);
    expect(clock.src).toContain(`/media/track/${trackId}`);
    const match = await engine.call('feedback.list'); // nothing recorded before the verdict
    expect(match.length).toBe(0);
    await screenshot(page, 'match');

    // Enter accepts: stored as feedback with the clip, the range and the track.
    await page.locator('body').press('Enter');
    await page.locator('[data-testid="verdict"]').waitFor();
    const fb = await engine.call('feedback.list');
    expect(fb).toHaveLength(1);
    expect(fb[0]).toMatchObject({ clipPath: CLIP, trackId, verdict: 'accept', clipStart: 2, clipEnd: 12 });
    // The audio sat where the clock puts it: track time = offset + (clip time − range start).
    expect(Math.abs(clock.audioTime - (fb[0].offset + clock.videoTime - 2))).toBeLessThan(0.1);

    const out = join(root, 'scored.webm');
    await page.fill('input[aria-label="Export to"]', out);
    await page.click('[data-testid="export"]');
    await page.locator('[data-testid="export-done"]').waitFor({ timeout: 300_000 });
    expect(existsSync(out)).toBe(true);
    const p = probe(out);
    expect(p.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(Number(p.format.duration) - clipSeconds)).toBeLessThan(0.25);

    // Review R20: Fit to clip with In 2 s / Out 12 s fits that range and Export with fit places it there:
    // the written soundtrack is silent before the In point and after the Out point.
    await page.click('[data-testid="fit"]');
    await page.locator('[data-testid="fit-timeline"], .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    if (await page.locator('.match [role="alert"]').count()) {
      console.warn(`fit not possible for this track here: ${await page.locator('.match [role="alert"]').first().textContent()}`);
    } else {
      expect(Number(await page.locator('[data-testid="fit-length"]').textContent())).toBeCloseTo(10, 0);
      const fitted = join(root, 'fitted.webm');
      await page.fill('input[aria-label="Export to"]', fitted);
      await page.click('[data-testid="export-fit"]');
      await page.locator('[data-testid="export-done"]').waitFor({ timeout: 300_000 });
      const rate = 2000;
      const pcm = await decodeMono(fitted, rate);
      const rms = (from: number, to: number): number => rmsBetween(pcm, rate, from, to);
      expect(rms(0, 1.8)).toBeLessThan(1e-3);
      expect(rms(2.3, 11.7)).toBeGreaterThan(1e-3);
      expect(rms(12.4, clipSeconds - 0.2)).toBeLessThan(1e-3);
    }

    // Review R28: with Sections on, the screen opens on the first section's ranking, not on an empty
    // "Whole clip" that said "No track fits: add more music in Library."
    await page.locator('label:has-text("Sections (long clips)") input').check();
    await page.click('[data-testid="find-music"]');
    await page.locator('.tabs button.on').waitFor({ timeout: 300_000 });
    await expect.poll(() => page.locator('[data-testid="ranked"] .item').count(), { timeout: 300_000 }).toBeGreaterThan(0);
    expect(await page.locator('.tabs button').nth(1).getAttribute('class')).toContain('on');
    expect(await page.locator('.right .empty').count()).toBe(0);
    await page.locator('.tabs button', { hasText: 'Whole clip' }).click();
    await expect.poll(() => page.locator('[data-testid="pick-section"]').count()).toBe(1);
    await page.locator('label:has-text("Sections (long clips)") input').uncheck();
  }, 900_000);

  it('lassoes the map into a playlist, saves it and writes an M3U8 of those tracks', async () => {
    await go('explore');
    const map = page.locator('[data-testid="map"]');
    await map.waitFor();
    const total = (await engine.call('tracks.list', { limit: 1 })).total;
    await expect.poll(() => page.locator('.explore .top .muted').textContent()).toContain(`${total} tracks`);
    // Review R11: the default length (12) is cut to what a small library holds.
    expect(Number(await page.inputValue('label:has-text("Length") input'))).toBe(Math.min(12, total));
    const box = (await map.boundingBox())!;
    // A lasso around the whole map.
    await page.mouse.move(box.x + 3, box.y + 3);
    await page.mouse.down();
    for (const [fx, fy] of [[0.997, 0.003], [0.997, 0.997], [0.003, 0.997], [0.003, 0.01]]) await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.locator('[data-testid="from-lasso"]').textContent()).toContain(`(${total})`);
    await page.click('[data-testid="from-lasso"]');
    await expect.poll(() => page.locator('[data-testid="playlist"] li').count()).toBe(total);
    await page.fill('input[aria-label="Playlist name"]', 'Everything on the map');
    await page.click('[data-testid="save-playlist"]');
    await expect.poll(() => page.locator('[data-testid="playlist-message"]').textContent()).toContain('Saved');
    const saved = await engine.call('playlist.list');
    expect(saved.map((p) => [p.name, p.length])).toContainEqual(['Everything on the map', total]);

    const m3u = join(root, 'map.m3u8');
    await page.fill('input[aria-label="M3U8 path"]', m3u);
    await page.click('[data-testid="export-m3u"]');
    await expect.poll(() => page.locator('[data-testid="playlist-message"]').textContent()).toContain('Wrote');
    const lines = readFileSync(m3u, 'utf8').split(/\r?\n/);
    expect(lines[0]).toBe('#EXTM3U');
    const entries = lines.filter((l) => l && !l.startsWith('#'));
    expect(entries).toHaveLength(total);
    const catalogPaths = new Set((await engine.call('tracks.list', { limit: 1000 })).tracks.map((t) => t.path));
    // Entries may be relative to the playlist's folder.
    for (const e of entries) expect(catalogPaths.has(resolve(dirname(m3u), e))).toBe(true);

    // Review R1: a typed path naming an existing file is refused (its bytes kept) until Overwrite.
    writeFileSync(m3u, 'my own list\n');
    await page.click('[data-testid="export-m3u"]');
    await expect.poll(() => page.locator('[role="alert"][data-code="exists"]').textContent()).toContain('already exists');
    expect(readFileSync(m3u, 'utf8')).toBe('my own list\n');
    await page.click('[data-testid="overwrite-m3u"]');
    await expect.poll(() => readFileSync(m3u, 'utf8').split(/\r?\n/)[0]).toBe('#EXTM3U');
    expect(await page.locator('[role="alert"]').count()).toBe(0);
    expect(await page.locator('[data-testid="overwrite-m3u"]').count()).toBe(0);

  }, 300_000);

  it('trains a short run: charts fill, a new model version appears, activating and rolling back switch the active model', async () => {
    await go('train');
    const corpus = join(root, 'corpus');
    await page.fill('input[aria-label="Corpus folder"]', corpus);
    await page.getByRole('spinbutton', { name: 'Pairs' }).fill('24');
    await page.click('[data-testid="make-corpus"]');
    await page.locator('[data-job-op="corpus"]').waitFor();
    await page.locator('[data-job-op="corpus"]').waitFor({ state: 'detached', timeout: 600_000 });
    expect(existsSync(join(corpus, 'manifest.json')) || readdirSync(corpus).length > 0).toBe(true);

    const before = await engine.call('models.list');
    await page.fill('input[aria-label="Steps"]', '20');
    await page.fill('input[aria-label="Version name"]', 'e2e-1');
    await page.selectOption('select[aria-label="Loss"]', 'supcon');
    // The whole taxonomy is offered, each with its summary and defaults.
    const taxonomy = await engine.call('losses.list');
    expect(await page.locator('select[aria-label="Loss"] option').count()).toBe(taxonomy.length);
    await expect.poll(() => page.locator('[data-testid="loss-summary"]').textContent()).toBe(taxonomy.find((l) => l.name === 'supcon')!.summary);
    await page.click('[data-testid="start-training"]');
    await page.locator('[data-testid="before-after"]').waitFor({ timeout: 600_000 });
    expect(Number(await page.locator('svg[data-chart="Training loss"]').getAttribute('data-points'))).toBeGreaterThan(0);
    await page.locator('[data-testid="models"] tr[data-version="e2e-1"]').waitFor();
    const after = await engine.call('models.list');
    expect(after.models.find((m) => m.version === 'e2e-1')).toMatchObject({ loss: 'supcon', active: false });
    // The match fit: the shipped version is calibrated; a new one only when its test split holds 10 pairs or more.
    const testPairs = (JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as { pairs: Array<{ split: string }> }).pairs.filter((p) => p.split === 'test').length;
    expect(after.models.find((m) => m.version === 'base')?.fit).toBe('calibrated');
    expect(after.models.find((m) => m.version === 'e2e-1')?.fit).toBe(testPairs >= 10 ? 'calibrated' : 'library');
    expect(after.active).toBe(before.active);
    // Every before/after cell is one line (a Range's line boxes share one top): "n/a (gallery of 4)" broke onto two in
    // train.png. An n/a cell still says why, in its title and the footnote; which ones are n/a is 2K > the test pairs.
    const table = page.locator('[data-testid="before-after"]');
    const lines = await table.locator('tbody td').evaluateAll((tds) =>
      tds.map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size;
      }),
    );
    expect(lines).toEqual(Array.from({ length: 5 * 4 }, () => 1));
    for (const [metric, k] of [['recall1', 1], ['recall5', 5], ['recall10', 10]] as const) {
      const figures = table.locator(`tr[data-metric="${metric}"] td.mono`);
      expect(await figures.count()).toBe(3);
      for (let i = 0; i < 3; i++) {
        const text = (await figures.nth(i).textContent()) ?? '';
        if (2 * k > testPairs) {
          expect(text).toMatch(/^n\/a/);
          expect(await figures.nth(i).getAttribute('title')).toContain(`gallery of ${testPairs}`);
        } else expect(text).toMatch(/^\d\.\d{3}$/);
      }
    }
    if (2 * 10 > testPairs) {
      const footnote = (await page.locator('[data-testid="na-footnote"]').textContent()) ?? '';
      expect(footnote).toContain(`gallery of ${testPairs}`);
      expect(footnote).toContain('more than half the gallery');
    }
    // The shot shows the run's outcome: charts, versions and the before/after card whole (it fell below the fold).
    await table.evaluate((el) => el.closest('section')?.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'train');

    await page.click('[data-testid="models"] tr[data-version="e2e-1"] button:has-text("Activate")');
    await page.locator('[data-testid="models"] tr[data-version="e2e-1"] .chip:has-text("active")').waitFor();
    expect((await engine.call('models.list')).active).toBe('e2e-1');
    await page.click('[data-testid="rollback"]');
    await page.locator(`[data-testid="models"] tr[data-version="${before.active}"] .chip:has-text("active")`).waitFor();
    expect((await engine.call('models.list')).active).toBe(before.active);
  }, 1_500_000);

  it('shows the settings: provider in use and the ffmpeg it runs', async () => {
    await go('settings');
    const info = await engine.call('engine.info');
    await expect.poll(() => page.locator('[data-testid="ffmpeg-path"]').textContent()).toBe(info.ffmpeg.ffmpeg ?? 'not found');
    await expect(page.locator('[data-testid="provider-in-use"]').textContent()).resolves.toContain(info.provider);
    // explore.png and settings.png are written by explore-settings.test.ts (one writer per file).
  });

  it('raised no page error in any flow', () => {
    expect(session.problems).toEqual([]);
  });
});
