/**
 * What the screens say, checked in Chromium against `needledrop serve` on real media:
 * - a clip in a folder the engine cannot write (a camera card) gets a default export place it can
 *   write, says why, and a typed read-only path is refused before any job runs;
 * - tracks under none of the library folders are marked and can be listed, added or removed;
 * - one BPM per track on every screen, and the fit says where its own beat grid comes from;
 * - sections begin on their shot cuts, not on the analysis's 0.5 s rows.
 * The engine runs as `nobody` when the tests run as root: root writes in any folder whatever its mode.
 * Truths: `test -w` run as the engine's user, the files written, the clip's own shot cuts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../electron/contract/api';
import type { ProgressEvent } from '../../electron/contract/types';
import { clockTime } from '../../renderer/lib/format';
import { hardCuts, musicLike, sine } from '../helpers/media';
import { canRunAsNobody, hasChromium, probe, SHARED_MEDIA, startApp, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-truths-'));
const card = join(root, 'card');
const user = join(root, 'user');
const videos = join(user, 'Videos');
const other = join(root, 'other');
const quiet = join(root, 'quiet');
const music = join(SHARED_MEDIA, 'music');
const BUNNY = join(SHARED_MEDIA, 'video', 'big_buck_bunny_0_30.webm');
const asRoot = process.getuid?.() === 0;
const CLIP_SECONDS = 12;

let app: App | undefined;
let engine: EngineApi;
let page: Page;
let clip: string;

/** Whether the engine's user may make files in `dir`, asked of the system as that user. */
function engineMayWrite(dir: string): boolean {
  const [file, ...args] = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-w', dir] : ['test', '-w', dir];
  return spawnSync(file, args).status === 0;
}

const row = (id: number) => page.locator(`.tr[data-track-id="${id}"]`);

/** Fit the chosen track and wait for the fit panel's tempo, or fail with the error the screen shows. */
async function fitShown(): Promise<string> {
  await page.click('[data-testid="fit"]');
  await page.locator('[data-testid="fit-tempo"], .match [role="alert"]').first().waitFor({ timeout: 300_000 });
  if (await page.locator('.match [role="alert"]').count()) throw new Error(`fit failed: ${await page.locator('.match [role="alert"]').first().innerText()}`);
  return page.locator('[data-testid="fit-tempo"]').innerText();
}

describe.skipIf(!hasChromium || !canRunAsNobody || process.platform === 'win32')('what the screens say, in Chromium', () => {
  beforeAll(async () => {
    chmodSync(root, 0o755);
    for (const d of [card, videos, other, quiet, join(root, 'home')]) mkdirSync(d, { recursive: true });
    // Long enough for a fit to end on the tracks' own endings.
    clip = await hardCuts(card, { seconds: CLIP_SECONDS, cuts: [4, 8], name: 'clip.mp4' });
    await musicLike(other, { seconds: 16, bpm: 120, name: 'elsewhere.wav' });
    // Far below -60 LUFS: catalogued, on the map, never offered to a playlist.
    await sine(quiet, { seconds: 12, freq: 440, amplitude: 0.0003, name: 'near-silent.wav' });
    // The card is read-only once the clip is on it; the user's folders and the data folder are the engine's to write.
    chmodSync(card, 0o555);
    for (const d of [user, videos, other, quiet, join(root, 'home')]) chmodSync(d, 0o777);
    app = await startApp(join(root, 'home'), { asNobody: true, env: { HOME: user } });
    ({ engine, page } = app);
    for (const f of [music, other]) await engine.call('library.addFolder', { path: f });
    await runJob(engine, 'library.scan', {});
    // Unlisted with its track kept: the track is now under no library folder.
    await engine.call('library.removeFolder', { path: other, dropTracks: false });
    await page.reload();
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('exports a clip from a read-only folder to the Videos folder by default, and refuses a read-only path before any job', async () => {
    expect(engineMayWrite(card)).toBe(false);
    expect(engineMayWrite(videos)).toBe(true);
    await page.click('nav button[data-screen="match"]');
    await page.fill('input[aria-label="Clip path"]', clip);
    await page.click('[data-testid="open-clip"]');
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 300_000 });
    const outBox = page.locator('input[aria-label="Export to"]');
    expect(await outBox.inputValue()).toBe(join(videos, 'clip-scored.mp4'));
    const note = await page.locator('[data-testid="out-note"]').innerText();
    expect(note).toContain(`cannot write beside the clip in ${card} (permission denied)`);
    expect(note).toContain(`exports go to ${videos}`);

    // A path on the card: said under the field, Export off, before any job.
    const onCard = join(card, 'x.mp4');
    await outBox.fill(onCard);
    await expect.poll(() => page.locator('[data-testid="out-problem"]').textContent(), { timeout: 10_000 }).toContain(`cannot write in ${card} (permission denied)`);
    expect(await page.locator('[data-testid="export"]').isDisabled()).toBe(true);

    // The engine refuses it too, before the fit is analysed (it used to render the fit first and fail on the encode).
    const track = (await engine.call('tracks.list', { limit: 100 })).tracks.find((t) => !t.outside)!;
    const phases: ProgressEvent[] = [];
    const refused = await runJob(engine, 'export', { clip, track: track.id, out: onCard, fit: true }, { onProgress: (e) => phases.push(e) }).then(() => null, (e: Error) => e);
    expect(refused?.message).toContain(`cannot write in ${card} (permission denied)`);
    expect(phases.filter((e) => e.phase === 'fit')).toEqual([]);

    // The default place works.
    await outBox.fill(join(videos, 'clip-scored.mp4'));
    await expect.poll(() => page.locator('[data-testid="export"]').isDisabled(), { timeout: 10_000 }).toBe(false);
    await page.click('[data-testid="export"]');
    await page.locator('[data-testid="export-done"]').waitFor({ timeout: 300_000 });
    expect(Math.abs(Number(probe(join(videos, 'clip-scored.mp4')).format.duration) - CLIP_SECONDS)).toBeLessThan(0.1);
  }, 600_000);

  it('shows one BPM per track on the Library and Match, and where the fit’s beat grid comes from', async () => {
    const ranked = page.locator('[data-testid="ranked"] .item');
    const matchBpm = new Map<number, string>();
    for (const item of await ranked.all()) {
      const id = Number(await item.getAttribute('data-track-id'));
      matchBpm.set(id, /^(\S+) BPM/.exec(await item.locator('.small .muted').innerText())![1]);
    }
    expect(matchBpm.size).toBeGreaterThanOrEqual(8);

    // A track whose catalog tempo is missing: the fit tracks its own beats and says so.
    const { tracks } = await engine.call('tracks.list', { limit: 100 });
    const noTempo = tracks.find((t) => t.bpm === null && !t.outside);
    expect(noTempo).toBeDefined();
    await page.click(`[data-testid="ranked"] .item[data-track-id="${noTempo!.id}"]`);
    const tempo = await fitShown();
    expect(tempo).toMatch(/^beats at \d+ BPM \(the fit’s own beat tracking: the library found no steady tempo\)$/);
    // Its beats are the track's beats now: nudging moves the offset by one of them (it was off, with no catalog beats).
    const offsetNow = async () => toSeconds((await page.locator('[data-testid="offset"]').innerText()).replace('offset ', ''));
    const before = await offsetNow();
    await page.getByRole('button', { name: '+ beat' }).click();
    await expect.poll(offsetNow).not.toBe(before);
    expect(Math.abs((await offsetNow()) - before - 60 / Number(/beats at (\d+) BPM/.exec(tempo)![1]))).toBeLessThanOrEqual(0.1);
    // A track with a catalog tempo: the fit's grid is the catalog's, the same number as the list.
    const steady = tracks.find((t) => t.bpm !== null && t.duration > 20 && !t.outside && matchBpm.has(t.id))!;
    await page.click(`[data-testid="ranked"] .item[data-track-id="${steady.id}"]`);
    expect(await fitShown()).toBe(`beats at ${matchBpm.get(steady.id)} BPM`);

    await page.click('nav button[data-screen="library"]');
    for (const [id, shown] of matchBpm) {
      await row(id).waitFor();
      expect(await row(id).locator('.num').nth(1).innerText(), `track ${id}`).toBe(shown);
    }
  }, 900_000);

  it('marks the track under no library folder, lists it alone, and adds or removes its folder', async () => {
    const outsider = (await engine.call('tracks.list', { limit: 100 })).tracks.find((t) => t.path.startsWith(other + '/'))!;
    expect(outsider.outside).toBe(true);
    const badges = page.locator('[data-testid="outside-badge"]');
    await expect.poll(() => badges.count(), { timeout: 10_000 }).toBe(1);
    expect(await row(outsider.id).locator('[data-testid="outside-badge"]').count()).toBe(1);
    expect(await page.locator('[data-testid="outside-toggle"]').innerText()).toContain('1 track is not in a library folder');

    await page.click('[data-testid="outside-toggle"]');
    await expect.poll(() => page.locator('[data-testid="track-total"]').innerText()).toBe('1 track');
    await row(outsider.id).click();
    expect(await page.locator('[data-testid="outside-why"]').innerText()).toContain(other);

    // Add its folder: listed, no longer marked, the whole library shown again.
    await page.click('[data-testid="outside-add"]');
    await page.locator(`.folder[title="${other}"]`).waitFor();
    await expect.poll(() => badges.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('[data-testid="outside-toggle"]').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="outside-why"]').count()).toBe(0);

    // Unlisted again (tracks kept), then removed from the catalog from its panel: only it goes.
    await engine.call('library.removeFolder', { path: other, dropTracks: false });
    await expect.poll(() => badges.count(), { timeout: 10_000 }).toBe(1);
    const before = (await engine.call('tracks.list', { limit: 100 })).total;
    await row(outsider.id).click();
    await page.click('[data-testid="outside-remove"]');
    await page.click('[data-testid="outside-confirm"]');
    await expect.poll(async () => (await engine.call('tracks.list', { limit: 100 })).total, { timeout: 10_000 }).toBe(before - 1);
    const left = (await engine.call('tracks.list', { limit: 100 })).tracks;
    expect(left.some((t) => t.id === outsider.id)).toBe(false);
    expect(left.every((t) => t.path.startsWith(music + '/'))).toBe(true);
    expect(await engine.call('library.folders')).toEqual([music]);
    expect(existsSync(join(other, 'elsewhere.wav'))).toBe(true);
  }, 300_000);

  it('begins each section on its shot cut, as the cut markers show it', async () => {
    await page.click('nav button[data-screen="match"]');
    await page.fill('input[aria-label="Clip path"]', BUNNY);
    await page.click('[data-testid="open-clip"]');
    const markers = page.locator('[data-testid="cut-marker"]');
    await expect.poll(() => markers.count(), { timeout: 120_000 }).toBeGreaterThan(2);
    await expect.poll(() => page.locator('[data-testid="cut-count"]').innerText(), { timeout: 120_000 }).not.toContain('finding');
    const cuts = await markers.evaluateAll((els) => els.map((el) => Number((el as HTMLElement).dataset.time)));
    await page.getByText('Sections (long clips)').click();
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 600_000 });
    const tabs = await page.locator('.tabs button').allInnerTexts();
    expect(tabs.length).toBeGreaterThanOrEqual(3);
    // Each later section starts on a cut the clip's own frame-accurate detection found, to the tenth shown.
    for (const tab of tabs.slice(2)) {
      const start = tab.split('–')[0];
      const near = cuts.reduce((a, c) => (Math.abs(c - toSeconds(start)) < Math.abs(a - toSeconds(start)) ? c : a));
      expect(Math.abs(near - toSeconds(start)), `${tab} against cuts ${cuts.join(', ')}`).toBeLessThanOrEqual(0.15);
      // The tab and the timeline's section bar say the same boundary.
      expect(start).toBe(clockTime(near));
    }
    // A section never claims more cuts than the clip's own detection finds inside it: the cut it begins
    // on is its start, not one of its cuts (the first section of this clip said 3 for its 2).
    for (const [i, tab] of tabs.slice(1).entries()) {
      await page.locator('.tabs button').nth(i + 1).click();
      const [from, to] = tab.split('–').map(toSeconds);
      const said = Number(/^(\d+) cuts? \(/.exec(await page.locator('.summary').innerText())![1]);
      const inside = cuts.filter((c) => c > from + 0.1 && c < to - 0.1).length;
      expect(said, `${tab}: cuts ${cuts.join(', ')}`).toBeLessThanOrEqual(inside);
    }
  }, 900_000);

  it('sets In and Out by button and key alike: a point past the other starts a new range, never one the engine refuses', async () => {
    const at = (t: number) => page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement, x) => (v.currentTime = x), t);
    const shown = async () => [await page.locator('[data-testid="set-in"] .mono').innerText(), await page.locator('[data-testid="set-out"] .mono').innerText()];
    await at(20);
    await page.click('[data-testid="set-out"]');
    // In after Out by the button: the button used to set it anyway (In 0:25.0, Out 0:20.0).
    await at(25);
    await page.click('[data-testid="set-in"]');
    expect(await shown()).toEqual(['0:25.0', '–']);
    await at(28);
    await page.keyboard.press('o');
    expect(await shown()).toEqual(['0:25.0', '0:28.0']);
    // Out on or before In by the key: it used to clamp to an empty range (Out = In).
    await at(25);
    await page.keyboard.press('o');
    expect(await shown()).toEqual(['–', '0:25.0']);
    await at(10);
    await page.keyboard.press('i');
    expect(await shown()).toEqual(['0:10.0', '0:25.0']);
    await page.getByText('Sections (long clips)').click();
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="ranked"] .item, .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    expect(await page.locator('.match [role="alert"]').count()).toBe(0);
    expect(app!.session.problems).toEqual([]);
  }, 600_000);

  it('builds an energy curve with the default Length in a library it cannot fill, saying it is shorter', async () => {
    // A near-silent file in the library: on the map and in Length's default, never in a playlist.
    await engine.call('library.addFolder', { path: quiet });
    await runJob(engine, 'library.scan', {});
    const total = (await engine.call('tracks.list', { limit: 100 })).total;
    await page.click('nav button[data-screen="explore"]');
    await expect.poll(() => page.locator('[data-testid="map-summary"]').innerText(), { timeout: 120_000 }).toContain(`${total} tracks`);
    const asked = Number(await page.locator('.side input[type="number"]').inputValue());
    expect(asked).toBe(Math.min(12, total));
    await page.getByRole('button', { name: 'Energy curve' }).click();
    // It used to refuse: 'playlist length 9 exceeds the 8 tracks available'.
    await page.locator('[data-testid="playlist"], .explore [role="alert"]').first().waitFor({ timeout: 120_000 });
    expect(await page.locator('.explore [role="alert"]').count()).toBe(0);
    const items = await page.locator('[data-testid="playlist"] li').allInnerTexts();
    expect(items).toHaveLength(asked - 1);
    expect(items.join('\n')).not.toContain('near-silent.wav');
    expect(await page.locator('[data-testid="playlist-short"]').innerText()).toBe(`${asked - 1} of the ${asked} asked: all the library offers for it`);
  }, 600_000);

  it('marks a track whose folder is unplugged as not there, and says so instead of a player', async () => {
    const silent = (await engine.call('tracks.list', { limit: 100 })).tracks.find((t) => t.path.startsWith(quiet + '/'))!;
    renameSync(quiet, `${quiet}-unplugged`);
    await page.click('nav button[data-screen="library"]');
    await page.click('[data-testid="scan"]');
    await expect.poll(() => page.locator('[data-testid="scan-report"]').innerText(), { timeout: 120_000 }).toContain(`${quiet}: not found (an unplugged drive?)`);
    await expect.poll(() => row(silent.id).locator('[data-testid="unavailable-badge"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('[data-testid="unavailable-badge"]').count()).toBe(1);
    await row(silent.id).click();
    await page.locator('[data-testid="unavailable-why"]').waitFor();
    expect(await page.locator('[data-testid="track-detail"] audio').count()).toBe(0);
  }, 300_000);
});

function toSeconds(clock: string): number {
  const [m, s] = clock.split(':');
  return Number(m) * 60 + Number(s);
}
