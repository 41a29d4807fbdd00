/**
 * Explore and Settings in Chromium against `needledrop serve` (real engine, real catalog): a
 * library of two planted groups (bright pulsed triads, dark drones) must come out as two groups
 * on the map (a lasso around one group's points takes exactly that group); colouring by valence
 * paints each point with the engine's valence; Settings shows the provider in use and the caches,
 * and clearing one empties it; a track copied into the watched folder shows up in the table
 * with no scan asked for. Truths: the files we made and their groups, the engine asked directly.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../electron/contract/api';
import type { TrackMap } from '../../electron/contract/types';
import { MAP_PAD, scaleHue, toPixel } from '../../renderer/lib/map';
import { makeTwoGroups, type Group } from '../integration/explore/fixture';
import { hasChromium, recordTexts, screenshot, SHARED_MEDIA, startApp, textsShown, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-explore-'));
const music = join(root, 'music');
/** Real recordings beside the planted groups, so the map also shows music as people have it. */
const real = join(root, 'real');
const REAL = ['147793__setuniman__sweet-waltz-0i-22mi.ogg', '442789__lena-orsa__happy-music-pistachio-ice-cream-ragtime.ogg', 'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg', 'admiralbob77_-_Choice_-_Drum-bass.ogg', 'sorohanro_-_solo-trumpet-06.ogg'];
const PER_GROUP = 6;

let app: App | undefined;
let engine: EngineApi;
let page: Page;
let labels: Map<string, Group>;

async function go(screen: string): Promise<void> {
  await page.click(`nav button[data-screen="${screen}"]`);
  await page.locator(`[data-screen-panel="${screen}"]`).waitFor({ state: 'visible' });
}

/** Hue (degrees) of an RGB colour. */
function hue([r, g, b]: number[]): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** The canvas pixel (RGB) at CSS position (x, y). */
async function pixel(x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector('[data-testid="map"]') as HTMLCanvasElement;
      const dpr = c.width / c.getBoundingClientRect().width;
      return Array.from(c.getContext('2d')!.getImageData(Math.round(px * dpr), Math.round(py * dpr), 1, 1).data.slice(0, 3));
    },
    [x, y],
  );
}

describe.skipIf(!hasChromium)('Explore and Settings in Chromium against needledrop serve', () => {
  beforeAll(async () => {
    mkdirSync(music, { recursive: true });
    labels = await makeTwoGroups(music, PER_GROUP, 10);
    mkdirSync(real, { recursive: true });
    for (const f of REAL) copyFileSync(join(SHARED_MEDIA, 'music', f), join(real, f));
    app = await startApp(join(root, 'home'));
    ({ engine, page } = app);
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('scans the planted library from the Library screen', async () => {
    for (const folder of [music, real]) {
      await page.fill('input[aria-label="Music folder path"]', folder);
      await page.click('text=Add folder');
      await page.locator(`.folder[title="${folder}"]`).waitFor();
    }
    await page.click('[data-testid="scan"]');
    await page.locator('[data-testid="scan-report"]').waitFor({ timeout: 600_000 });
    await expect.poll(() => page.locator('[data-testid="track-total"]').textContent()).toBe(`${labels.size + REAL.length} tracks`);
    // Watching is on by default in the app.
    expect(await page.locator('[data-testid="watch"]').isChecked()).toBe(true);
  }, 600_000);

  it('shows the two planted groups apart on the map: a lasso around one group takes exactly that group', async () => {
    await go('explore');
    await expect.poll(() => page.locator('[data-testid="map-summary"]').textContent(), { timeout: 120_000 }).toContain(`${labels.size + REAL.length} tracks · PCA of`);
    const map: TrackMap = await runJob(engine, 'library.map', {});
    expect(map.cached).toBe(true); // the screen's request filled the cache
    const list = (await engine.call('tracks.list', { limit: 100 })).tracks;
    const groupOf = new Map(list.map((t) => [t.id, labels.get(t.path) ?? 'real']));
    const canvas = page.locator('[data-testid="map"]');
    const box = (await canvas.boundingBox())!;
    const at = (p: { x: number; y: number }): [number, number] => toPixel(p, { w: box.width, h: box.height }, MAP_PAD);

    // A lasso around the bright group's points: their bounding box, 12 px wider on every side.
    const bright = map.points.filter((p) => groupOf.get(p.id) === 'bright').map(at);
    const xs = bright.map((p) => p[0]);
    const ys = bright.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs) - 12, Math.max(...xs) + 12, Math.min(...ys) - 12, Math.max(...ys) + 12];
    // No other point may sit in that box, or the groups are not apart on screen.
    for (const [x, y] of map.points.filter((p) => groupOf.get(p.id) !== 'bright').map(at)) expect(x < x0 || x > x1 || y < y0 || y > y1).toBe(true);
    await page.mouse.move(box.x + x0, box.y + y0);
    await page.mouse.down();
    for (const [x, y] of [[x1, y0], [x1, y1], [x0, y1], [x0, y0 + 1]]) await page.mouse.move(box.x + x, box.y + y, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.locator('[data-testid="from-lasso"]').textContent()).toContain(`(${PER_GROUP})`);
    await page.click('[data-testid="from-lasso"]');
    await expect.poll(() => page.locator('[data-testid="playlist"] li').count()).toBe(PER_GROUP);
    const names = await page.locator('[data-testid="playlist"] li .ellipsis').allTextContents();
    expect(names.every((n) => n.startsWith('bright-'))).toBe(true);
  }, 300_000);

  it('colours by valence: each point takes the colour of the engine\'s valence, not of its energy', async () => {
    const map: TrackMap = await runJob(engine, 'library.map', {});
    const paths = new Map((await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => [t.id, t.path]));
    const isReal = (id: number): boolean => !labels.has(paths.get(id)!);
    const canvas = page.locator('[data-testid="map"]');
    const box = (await canvas.boundingBox())!;
    const at = (p: { x: number; y: number }): [number, number] => toPixel(p, { w: box.width, h: box.height }, MAP_PAD);
    // Dots are drawn in the map's order, later over earlier (at most 7.5 px radius): the pixel at
    // a point's centre shows the last dot within 4 px of it; points with a later dot 4–9 px away
    // (an antialiased edge may cross the centre) are left out.
    const centres = map.points.map(at);
    const checks: Array<{ at: [number, number]; owner: (typeof map.points)[number] }> = [];
    map.points.forEach((p, i) => {
      const later = map.points.map((q, j) => ({ q, j, d: Math.hypot(centres[i][0] - centres[j][0], centres[i][1] - centres[j][1]) })).filter((e) => e.j > i);
      if (later.some((e) => e.d > 4 && e.d < 9)) return;
      const over = later.filter((e) => e.d <= 4).pop();
      checks.push({ at: centres[i], owner: over ? over.q : p });
    });
    expect(checks.length).toBeGreaterThanOrEqual(map.points.length / 2);
    // A click on an empty corner drops the lasso selection (unselected dots are drawn translucent).
    await page.mouse.click(box.x + 3, box.y + 3);
    await expect.poll(() => page.locator('[data-testid="from-lasso"]').textContent()).toContain('(0)');
    await page.mouse.move(box.x + box.width + 50, box.y + 5); // no hover ring
    const before = await Promise.all(checks.map((c) => pixel(...c.at)));
    await page.selectOption('select[aria-label="Colour by"]', 'valence');
    await expect.poll(() => page.locator('[data-testid="map-scale"]').textContent()).toContain('bright, major');
    const after = await Promise.all(checks.map((c) => pixel(...c.at)));
    let changed = 0;
    checks.forEach((c, i) => {
      const want = scaleHue(c.owner.valence);
      const got = hue(after[i]);
      expect(Math.min(Math.abs(got - want), 360 - Math.abs(got - want)), `track ${c.owner.id}: valence ${c.owner.valence}`).toBeLessThan(12);
      if (before[i].some((v, k) => Math.abs(v - after[i][k]) > 8)) changed++;
    });
    // Where energy and valence differ, the colours must have moved.
    const differ = checks.filter((c) => Math.abs(c.owner.valence - c.owner.energy) > 0.1).length;
    expect(changed).toBeGreaterThanOrEqual(Math.min(1, differ));

    // The screenshot: valence colours, the lassoed group as a playlist, a point hovered.
    // Hover a real recording when one is clear of others, else any checked point.
    const [hx, hy] = (checks.find((c) => isReal(c.owner.id)) ?? checks[0]).at;
    await page.mouse.move(box.x + hx, box.y + hy);
    await page.locator('.tip').waitFor();
    await screenshot(page, 'explore');
  }, 120_000);

  it('picks up a track copied into the watched folder: the table shows it with no scan asked for', async () => {
    await go('library');
    const target = join(music, 'Vibe_Ace.ogg');
    copyFileSync(join(SHARED_MEDIA, 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg'), target);
    await expect.poll(() => page.locator('[data-testid="track-total"]').textContent(), { timeout: 180_000, interval: 500 }).toBe(`${labels.size + REAL.length + 1} tracks`);
    await page.fill('input[aria-label="Search tracks"]', 'Vibe Ace');
    // The engine may still be finishing that scan (embedding): give the table time to answer.
    await expect.poll(() => page.locator('.tr[data-track-id]').count(), { timeout: 60_000 }).toBe(1);
    await page.fill('input[aria-label="Search tracks"]', '');
    expect((await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => t.path)).toContain(target);
  }, 240_000);

  it('shows the provider in use and the caches; clearing the map cache empties it and the map comes back', async () => {
    await go('settings');
    const info = await engine.call('engine.info');
    expect(info.provider).toBe('auto');
    await expect.poll(() => page.locator('[data-testid="provider-active"]').textContent()).toBe(info.providerInUse);
    expect(info.providerInUse).toBe('cpu');
    await expect(page.locator('[data-testid="provider-in-use"]').textContent()).resolves.toContain('setting: auto');

    const row = page.locator('[data-testid="caches"] tr[data-cache="map"]');
    const mapBytes = (await engine.call('cache.info')).find((c) => c.name === 'map')!.bytes;
    expect(mapBytes).toBeGreaterThan(0);
    await expect.poll(() => row.locator('[data-testid="cache-size"]').textContent()).not.toBe('0 B');
    await screenshot(page, 'settings');

    // Each Clear says which cache it clears; pressed from the keyboard, it leaves the focus on the
    // table's heading (the button turns disabled), and what was freed is said in the live region (review R6).
    const label = (await row.locator('th').innerText()).trim();
    const size = (await row.locator('[data-testid="cache-size"]').innerText()).trim();
    const button = page.getByRole('button', { name: `Clear ${label}`, exact: true });
    expect(await button.count()).toBe(1);
    await button.focus();
    // Recorded, not sampled: a job the watch started may announce itself over it a moment later.
    await recordTexts(page, '[data-testid="announcer"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => row.locator('[data-testid="cache-size"]').textContent()).toBe('0 B');
    await expect.poll(() => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`)).toBe('H2 Caches');
    await expect.poll(() => textsShown(page, '[data-testid="announcer"]')).toContain(`Cleared ${label}: ${size} freed`);
    expect((await engine.call('cache.info')).find((c) => c.name === 'map')).toMatchObject({ bytes: 0, files: 0 });
    // Only the cache went: the tracks are all there and the map is rebuilt on request.
    expect((await engine.call('tracks.list', { limit: 1 })).total).toBe(labels.size + REAL.length + 1);
    const rebuilt = await runJob(engine, 'library.map', {});
    expect(rebuilt.cached).toBe(false);
    expect(rebuilt.points).toHaveLength(labels.size + REAL.length + 1);
    // The table follows a job's start and end with no new visit (review R1.8: read once, it kept "0 B" and stale Clear buttons).
    await expect.poll(() => row.locator('[data-testid="cache-size"]').textContent()).not.toBe('0 B');
    expect(await row.locator('button:has-text("Clear")').isEnabled()).toBe(true);
  }, 120_000);

  it('says "Saved." in the card of the setting saved, in a status region (review R6)', async () => {
    await go('settings');
    const single = page.locator('[data-testid="settings-single-keys"]');
    const status = (card: string) => page.locator(`[role="status"][data-saved="${card}"]`);
    for (const checked of [false, true]) {
      // Recorded, not sampled: "Saved." clears itself after 1.5 s, which a stalled poll can miss.
      for (const card of ['keyboard', 'inference', 'library']) await recordTexts(page, `[role="status"][data-saved="${card}"]`);
      await single.setChecked(checked);
      await expect.poll(() => textsShown(page, '[role="status"][data-saved="keyboard"]')).toEqual(['Saved.']);
      expect(await textsShown(page, '[role="status"][data-saved="inference"]')).toEqual([]);
      expect(await textsShown(page, '[role="status"][data-saved="library"]')).toEqual([]);
      expect((await engine.call('settings.get')).singleKeyShortcuts).toBe(checked);
      // It goes again, so the next save is heard.
      await expect.poll(() => status('keyboard').innerText(), { timeout: 5000 }).toBe('');
    }
  }, 60_000);

  it('raised no page error in any flow', () => {
    expect(app?.session.problems).toEqual([]);
  });
});
