/**
 * Byte-identical copies of one track under different names in Chromium against `needledrop serve`
 * (real engine, real catalog, real ffmpeg tags). Review R4.7: the Library table showed them as one
 * row repeated (same title, artist, album, length, BPM, key); such rows now name their file after the
 * title, and a row no other row reads the same as keeps the title alone (its width is the title's).
 * Truth: the names and tags the files were written with.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../helpers/cli';
import { ffmpeg } from '../helpers/media';
import { hasChromium, startApp, type App } from './harness';

const NAMES = ['Song.flac', 'Song (copy).flac'];
/** Another title: no row reads the same, so it names no file. */
const OTHER = 'Other.flac';

describe.skipIf(!hasChromium)('Library: copies of one file under two names (review R4.7)', () => {
  const base = mkdtempSync(join(tmpdir(), 'nd-e2e-copies-'));
  const lib = join(base, 'music');
  const home = join(base, 'home');
  let app: App | undefined;

  beforeAll(async () => {
    mkdirSync(lib, { recursive: true });
    mkdirSync(home, { recursive: true });
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=22050:duration=6', '-ac', '1', '-metadata', 'title=One Song', '-metadata', 'artist=One Artist'], join(lib, NAMES[0]));
    copyFileSync(join(lib, NAMES[0]), join(lib, NAMES[1]));
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=6', '-ac', '1', '-metadata', 'title=Other Song', '-metadata', 'artist=One Artist'], join(lib, OTHER));
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', lib, '--db', join(home, 'catalog.db'), '--jobs', '1');
    expect(r.code, r.stderr).toBe(0);
    app = await startApp(home);
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('are two rows whose text differs, each naming its file', async () => {
    const page = app!.page;
    await page.click('nav button[data-screen="library"]');
    const all = page.locator('.tr[data-track-id]');
    await expect.poll(() => all.count(), { timeout: 60_000 }).toBe(3);
    const other = all.filter({ hasText: 'Other Song' });
    await expect.poll(() => other.count()).toBe(1);
    expect(await other.locator('[data-testid="file-name"]').count()).toBe(0);
    const rows = all.filter({ hasNotText: 'Other Song' });
    // Same title on both (the files are one file's bytes)…
    expect((await rows.locator('.name').allTextContents()).map((s) => s.trim())).toEqual(['One Song', 'One Song']);
    // …but what a row shows tells them apart, by the file's own name.
    const texts = await rows.allInnerTexts();
    expect(new Set(texts).size, texts.join(' | ')).toBe(2);
    const files = (await rows.locator('[data-testid="file-name"]').allTextContents()).map((s) => s.trim());
    expect(files.sort()).toEqual([...NAMES].sort());
    await page.screenshot({ path: join(tmpdir(), 'nd-e2e-library-copies.png') });
    for (const name of NAMES) expect(texts.filter((t) => t.split('\n').some((part) => part.trim() === name)), name).toHaveLength(1);
  });
});
