/**
 * Track and playlist names in Chromium against `needledrop serve` (real engine, real catalog, real
 * ffmpeg tags). Review R2.7: two tracks with one title by different artists looked like one repeated
 * track in Explore's playlist (title only, no hover); the app now names a track "Artist – Title" as the
 * CLI and the M3U do, the file's path on hover. R2.8: a U+202E in a title or a playlist name turned the
 * rest of the app's text round, while the CLI shows the marks escaped; the app now reads as the CLI prints.
 * Truths: the tags ffmpeg wrote into the files and the CLI's own `playlist --list`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { createPlaylist } from '../../electron/engine/catalog/playlists';
import { needledropWithEnv } from '../helpers/cli';
import { ffmpeg } from '../helpers/media';
import { hasChromium, startApp, type App } from './harness';

const BIDI_TITLE = 'bidi \u202egninrawt\u202c title';
const BIDI_NAME = 'Arc\u202e evil\nline';
/** The files, their tags and the name a listing gives each (the CLI's rule: artist – title, marks shown escaped). */
const FILES = [
  { file: 'a.flac', artist: 'Artist A', title: 'Same Title', shown: 'Artist A – Same Title', hz: 220 },
  { file: 'b.flac', artist: 'Artist B', title: 'Same Title', shown: 'Artist B – Same Title', hz: 330 },
  { file: 'c.flac', artist: null, title: BIDI_TITLE, shown: 'bidi \\u202egninrawt\\u202c title', hz: 440 },
];

describe.skipIf(!hasChromium)('Track and playlist names read in the app as the CLI prints them (review R2.7, R2.8)', () => {
  const base = mkdtempSync(join(tmpdir(), 'nd-e2e-names-'));
  const lib = join(base, 'music');
  const home = join(base, 'home');
  const db = join(home, 'catalog.db');
  let app: App | undefined;
  let page: Page;
  const pathOf = new Map<number, string>();
  let order: number[] = [];

  beforeAll(async () => {
    mkdirSync(lib, { recursive: true });
    mkdirSync(home, { recursive: true });
    for (const f of FILES) {
      const tags = [...(f.artist ? ['-metadata', `artist=${f.artist}`] : []), '-metadata', `title=${f.title}`];
      await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=${f.hz}:sample_rate=22050:duration=9`, '-ac', '1', ...tags], join(lib, f.file));
    }
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', lib, '--db', db, '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    const catalog = openCatalog(db);
    try {
      const rows = catalog.prepare('SELECT t.id, f.path FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path').all() as Array<{ id: number; path: string }>;
      expect(rows).toHaveLength(FILES.length);
      for (const t of rows) pathOf.set(t.id, t.path);
      order = rows.map((t) => t.id); // a.flac, b.flac, c.flac
      createPlaylist(catalog, BIDI_NAME, order, { kind: 'lasso' });
    } finally {
      catalog.close();
    }
    app = await startApp(home);
    ({ page } = app);
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it("Explore's playlist names each track artist – title, its path on hover; the saved name is the CLI's", async () => {
    const cli = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'playlist', '--list', '--db', db);
    expect(cli.code, cli.stderr).toBe(0);
    const cliName = 'Arc\\u202e evil\\nline';
    expect(cli.stdout).toContain(cliName);

    await page.click('nav button[data-screen="explore"]');
    const open = page.locator('.saved button.open').first();
    await expect.poll(() => open.textContent(), { timeout: 180_000 }).toBe(cliName);
    await open.click();
    const rows = page.locator('[data-testid="playlist"] li');
    await expect.poll(() => rows.locator('[data-testid="playlist-track"]').allTextContents(), { timeout: 60_000 }).toEqual(FILES.map((f) => f.shown));
    // The name field cannot show the marks escaped: the name as the CLI prints it is under it.
    await expect.poll(() => page.locator('[data-testid="name-as-cli"]').textContent()).toBe(`as the CLI prints it: ${cliName}`);
    const hovers = await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute('title')));
    expect(hovers).toEqual(FILES.map((f, i) => `${f.shown}\n${pathOf.get(order[i])}`));
    // Nothing on the screen is turned round: no direction mark reaches the page's text.
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    await page.screenshot({ path: join(tmpdir(), 'nd-track-names-explore.png') });
  });

  it("Library's table shows the title escaped as the CLI prints it, the artist in its column", async () => {
    await page.click('nav button[data-screen="library"]');
    const names = page.locator('.tr[data-track-id] .name');
    await expect.poll(async () => (await names.allTextContents()).map((s) => s.trim()).sort(), { timeout: 60_000 }).toEqual(['Same Title', 'Same Title', FILES[2].shown].sort());
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    await page.screenshot({ path: join(tmpdir(), 'nd-track-names-library.png') });
  });
});
