/**
 * Explore's picks and saved playlists in Chromium against `needledrop serve` (real engine, real
 * catalog, folder watching on as in the app). Review R1.17: A and B are the tracks the user
 * clicked, whatever reloads of the map happen meanwhile (a watched file removed reorders the
 * map); a pick whose track left the library is let go with a note, never moved onto a neighbour.
 * Truths: the engine's own map (which point is which track) and the files we removed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../electron/contract/api';
import type { MapPoint, TrackListItem } from '../../electron/contract/types';
import { MAP_PAD, toPixel } from '../../renderer/lib/map';
import { makeTwoGroups } from '../integration/explore/fixture';
import { hasChromium, startAppOnLibrary, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-picks-'));
const music = join(root, 'music');
const PER_GROUP = 4;

let app: App | undefined;
let engine: EngineApi;
let page: Page;

async function tracksById(): Promise<Map<number, TrackListItem>> {
  return new Map((await engine.call('tracks.list', { limit: 1000 })).tracks.map((t) => [t.id, t]));
}

/** The map as the engine lays it out now, and the page's pixel of each point. */
async function mapNow(): Promise<{ points: MapPoint[]; at: (p: MapPoint) => [number, number] }> {
  const { points } = await runJob(engine, 'library.map', {});
  const box = (await page.locator('[data-testid="map"]').boundingBox())!;
  return { points, at: (p) => { const [x, y] = toPixel(p, { w: box.width, h: box.height }, MAP_PAD); return [box.x + x, box.y + y]; } };
}

const summary = (): Promise<string | null> => page.locator('[data-testid="map-summary"]').textContent();
const picks = (): Promise<string | null> => page.locator('[data-testid="picks"]').textContent();

describe.skipIf(!hasChromium)('Explore: A and B stay the tracks the user picked (review R1.17)', () => {
  beforeAll(async () => {
    mkdirSync(music, { recursive: true });
    await makeTwoGroups(music, PER_GROUP, 9);
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    ({ engine, page } = app);
    expect(await app.engine.call('settings.get')).toMatchObject({ watch: true });
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps A and B on their tracks when a watched file that comes before them on the map is removed', async () => {
    await page.click('nav button[data-screen="explore"]');
    await expect.poll(summary, { timeout: 180_000 }).toContain(`${2 * PER_GROUP} tracks · `);
    const byId = await tracksById();
    const { points, at } = await mapNow();
    expect(points).toHaveLength(2 * PER_GROUP);
    // A and B sit after the first point of the map's order: removing that one moves every later point down one place.
    const a = points[3];
    const b = points[5];
    await page.mouse.click(...at(a));
    await page.keyboard.down('Shift');
    await page.mouse.click(...at(b));
    await page.keyboard.up('Shift');
    const aName = basename(byId.get(a.id)!.path);
    const bName = basename(byId.get(b.id)!.path);
    await expect.poll(picks).toBe(`A: ${aName} · B: ${bName}`);

    rmSync(byId.get(points[0].id)!.path);
    // The watcher scans; the screen reloads its map with one track fewer.
    await expect.poll(summary, { timeout: 180_000 }).toContain(`${2 * PER_GROUP - 1} tracks · `);
    await expect.poll(picks).toBe(`A: ${aName} · B: ${bName}`);

    await page.click('button:has-text("More like A")');
    await expect.poll(() => page.locator('input[aria-label="Playlist name"]').inputValue().catch(() => '')).toBe(`More like ${aName}`);
    await page.click('[data-testid="save-playlist"]');
    await expect.poll(() => page.locator('[data-testid="playlist-message"]').textContent()).toMatch(/^Saved as playlist #\d+/);
    const id = Number(/#(\d+)/.exec((await page.locator('[data-testid="playlist-message"]').textContent())!)![1]);
    const saved = await engine.call('playlist.get', { id });
    // The seed as the request named it (an id) and as the engine resolved it.
    expect(saved.params).toMatchObject({ kind: 'more-like', seeds: [String(a.id)], trackIds: [a.id] });

    await page.click('button:has-text("Path A → B")');
    await expect.poll(() => page.locator('input[aria-label="Playlist name"]').inputValue().catch(() => '')).toBe(`${aName} → ${bName}`);
  }, 300_000);

  it('lets A go, saying so, when its own file is removed; B stays', async () => {
    const byId = await tracksById();
    const { points } = await mapNow();
    const [aText, bText] = (await picks())!.replace(/^A: /, '').split(' · B: ');
    const a = points.find((p) => basename(byId.get(p.id)!.path) === aText)!;
    expect(a).toBeDefined();
    rmSync(byId.get(a.id)!.path);
    await expect.poll(summary, { timeout: 180_000 }).toContain(`${2 * PER_GROUP - 2} tracks · `);
    await expect.poll(picks).toBe(`A: click a point · B: ${bText}`);
    expect(await page.locator('[data-testid="pick-note"]').textContent()).toBe(`A was ${aText}: no longer in the library. Pick it again on the map.`);
    expect(await page.locator('button:has-text("More like A")').isDisabled()).toBe(true);
  }, 300_000);

  it('raised no page error', () => {
    expect(app?.session.problems).toEqual([]);
  });
});
