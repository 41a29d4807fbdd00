/**
 * Review R26 in Chromium against `needledrop serve`: removing a library folder whose tracks are
 * catalogued asks first, naming how many and what they take with them; "Keep the tracks" only
 * unlists the folder, "Remove folder and its N tracks" drops exactly them (a sibling sharing the
 * folder's name prefix keeps its own), Cancel changes nothing, and a folder without tracks goes
 * without a question. Truths: the files we made, and the engine asked directly.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../electron/contract/api';
import { hasChromium, screenshot, startApp, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-rmfolder-'));
const a = join(root, 'lib', 'a');
const ab = join(root, 'lib', 'ab');
const empty = join(root, 'empty');

let app: App | undefined;
let engine: EngineApi;
let page: Page;

function tone(dir: string, name: string, freq: number): string {
  const out = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${freq}:duration=6`, '-ar', '22050', out]);
  return out;
}

const chip = (folder: string) => page.locator(`.folder[title="${folder}"]`);
const dialog = () => page.locator('[data-testid="remove-folder"]');
const paths = async (): Promise<string[]> => (await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => t.path).sort();

describe.skipIf(!hasChromium)('removing a library folder in Chromium (review R26)', () => {
  const files: Record<'a' | 'ab', string[]> = { a: [], ab: [] };
  let playlist = 0;

  beforeAll(async () => {
    for (const d of [a, ab, empty]) mkdirSync(d, { recursive: true });
    files.a = [tone(a, 'one.wav', 330), tone(a, 'two.wav', 440)];
    files.ab = [tone(ab, 'three.wav', 550)];
    app = await startApp(join(root, 'home'));
    ({ engine, page } = app);
    for (const f of [a, ab, empty]) await engine.call('library.addFolder', { path: f });
    const scan = await runJob(engine, 'library.scan', { jobs: 1 });
    expect(scan.indexed).toBe(3);
    const ids = (await engine.call('tracks.list', { limit: 100 })).tracks.map((t) => t.id);
    playlist = (await engine.call('playlist.save', { name: 'all three', trackIds: ids })).id;
    // feedback.record judges a readable video the user opened (the bridge is confined).
    const clip = join(root, 'clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=160x90:d=3', '-pix_fmt', 'yuv420p', clip]);
    await engine.call('clip.open', { path: clip });
    for (const id of ids) await engine.call('feedback.record', { clip, trackId: id, offset: 0, verdict: 'accept' });
    await page.reload();
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="track-total"]', { hasText: '3 tracks' }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a folder without catalogued tracks goes without a question', async () => {
    await page.click(`button[aria-label="Remove ${empty}"]`);
    await chip(empty).waitFor({ state: 'detached' });
    expect(await dialog().count()).toBe(0);
    expect(await engine.call('library.folders')).toEqual([a, ab]);
  });

  it('asks first, naming the count and what goes with them; Cancel changes nothing', async () => {
    await page.click(`button[aria-label="Remove ${a}"]`);
    await dialog().waitFor();
    const text = await dialog().innerText();
    expect(text).toContain(a);
    expect(text).toContain('2 tracks from this folder are in the catalog');
    expect(text).toContain('saved playlists and feedback lose them');
    expect(await dialog().locator('button').allInnerTexts()).toEqual(['Remove folder and its 2 tracks', 'Keep the tracks', 'Cancel']);
    await screenshot(page, 'library-remove-folder');
    // Focus is on Cancel, and Escape cancels too.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    expect(await engine.call('library.folders')).toEqual([a, ab]);
    await page.click(`button[aria-label="Remove ${a}"]`);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
    expect(await engine.call('library.folders')).toEqual([a, ab]);
    expect(await paths()).toEqual([...files.a, ...files.ab].sort());
  });

  it('"Keep the tracks" only unlists the folder', async () => {
    await page.click(`button[aria-label="Remove ${a}"]`);
    await dialog().getByRole('button', { name: 'Keep the tracks' }).click();
    await chip(a).waitFor({ state: 'detached' });
    expect(await engine.call('library.folders')).toEqual([ab]);
    expect(await paths()).toEqual([...files.a, ...files.ab].sort());
    expect((await engine.call('playlist.get', { id: playlist })).trackIds).toHaveLength(3);
    expect(await engine.call('feedback.list')).toHaveLength(3);
  });

  it('"Remove folder and its 2 tracks" drops exactly them, from the table, the playlist and the feedback', async () => {
    await engine.call('library.addFolder', { path: a });
    await chip(a).waitFor();
    await page.click(`button[aria-label="Remove ${a}"]`);
    await dialog().getByRole('button', { name: 'Remove folder and its 2 tracks' }).click();
    await chip(a).waitFor({ state: 'detached' });
    await page.locator('[data-testid="track-total"]', { hasText: '1 track' }).waitFor();
    expect(await dialog().count()).toBe(0);
    expect(await engine.call('library.folders')).toEqual([ab]);
    expect(await paths()).toEqual(files.ab);
    const [kept] = (await engine.call('tracks.list', { limit: 100 })).tracks;
    expect((await engine.call('playlist.get', { id: playlist })).trackIds).toEqual([kept.id]);
    expect((await engine.call('feedback.list')).map((f) => f.trackId)).toEqual([kept.id]);
    expect(await page.locator('.tablewrap').innerText()).toContain('three');
    expect(session().problems).toEqual([]);
  });

  it('says how many are forgotten and how many move: a track another library folder reaches through a link is kept there (review S19)', async () => {
    // c holds two files; d links to one of them. The track is catalogued at its real path in c.
    const c = join(root, 'lib', 'c');
    const d = join(root, 'lib', 'd');
    for (const dir of [c, d]) mkdirSync(dir, { recursive: true });
    const real = tone(c, 'real.wav', 660);
    const only = tone(c, 'only.wav', 770);
    const link = join(d, 'link.wav');
    symlinkSync(real, link);
    for (const f of [c, d]) await engine.call('library.addFolder', { path: f });
    await runJob(engine, 'library.scan', { jobs: 1 });
    const before = (await engine.call('tracks.list', { limit: 100 })).tracks;
    const realId = before.find((t) => t.path === real)?.id;
    expect(realId).toBeDefined();
    expect(before.some((t) => t.path === link)).toBe(false);

    await chip(c).waitFor();
    await page.click(`button[aria-label="Remove ${c}"]`);
    await dialog().waitFor();
    const text = await dialog().innerText();
    expect(text).toContain('1 track from this folder is in the catalog.');
    expect(text).toContain(`1 track is also reached through a link in another library folder: it is kept, moved there with its playlist places and feedback (${real} → ${link}).`);
    expect(await dialog().locator('button').allInnerTexts()).toEqual(['Remove folder: forget 1 track, move 1', 'Keep the tracks', 'Cancel']);
    await dialog().getByRole('button', { name: 'Remove folder: forget 1 track, move 1' }).click();
    await chip(c).waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="forgot"]').innerText()).toBe(`Removed ${c}: 1 track forgotten; 1 moved to another library folder (${real} → ${link}).`);
    // What the engine did is what was said: only.wav gone, real.wav's track at the link with its id.
    const after = (await engine.call('tracks.list', { limit: 100 })).tracks;
    expect(after.some((t) => t.path === only)).toBe(false);
    expect(after.find((t) => t.path === link)?.id).toBe(realId);
    expect(session().problems).toEqual([]);
  });
});

const session = () => app!.session;
