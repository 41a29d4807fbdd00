/**
 * A job running when `needledrop serve` restarts (review S19): the page kept "Matching 0/1 …
 * Cancel" for good, since the job's end never came (the new engine never ran it). In Chromium:
 * Find music on a long clip, its decode held stopped so the ranking cannot end first, serve
 * stopped and started again on the same port (a new token). The page says it was restarted, and
 * the ranking ends on screen: a line saying it stopped and to run it again, no progress, no Cancel,
 * Find music usable again. The same for a scan the engine's folder watcher started: its line goes and
 * Library says it stopped.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_LOST } from '../../renderer/lib/job-ends';
import { ffmpeg, musicLike, patternVideo } from '../helpers/media';
import { continueHeld, ffmpegsReading } from '../helpers/pids';
import { hasChromium, openClipOnMatch, startAppOnLibrary, startServe, type App, type Served } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-restart-jobs-'));
let app: App | undefined;
let again: Served | undefined;
let long = '';
let music = '';
/** A track long enough that its analysis is seen running (made outside the library, moved in by the test). */
let longTrack = '';
/** ffmpeg processes this test stopped, continued whatever happens. */
const held: number[] = [];

const resume = (): void => continueHeld(held);

describe.skipIf(!hasChromium)('a job running when serve restarts', () => {
  beforeAll(async () => {
    music = join(root, 'music');
    mkdirSync(music);
    longTrack = await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=300', '-ar', '22050', '-c:a', 'flac'], join(root, 'long.flac'));
    mkdirSync(join(root, 'home'));
    await musicLike(music, { seconds: 12, bpm: 110, name: 'a.wav' });
    long = await patternVideo(root, { seconds: 60, width: 160, height: 90, preset: 'ultrafast', name: 'long.mp4' });
    app = await startAppOnLibrary(join(root, 'home'), [music]);
  }, 600_000);

  afterAll(async () => {
    resume();
    await app?.stop();
    await again?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('ends on screen, saying so, with no Cancel', async () => {
    const page = app!.page;
    await openClipOnMatch(page, long);
    await expect.poll(() => page.locator('[data-testid="cut-count"]').innerText(), { timeout: 300_000 }).toMatch(/^\d+ shot cuts?$/);
    await page.click('[data-testid="find-music"]');
    // The ranking's decode held as soon as it starts: it cannot end before serve goes.
    await expect
      .poll(
        () => {
          for (const pid of ffmpegsReading(long)) {
            process.kill(pid, 'SIGSTOP');
            held.push(pid);
          }
          return held.length > 0;
        },
        { timeout: 300_000, interval: 20 },
      )
      .toBe(true);
    const line = page.locator('.job[data-job-op="match"]');
    await line.waitFor({ timeout: 60_000 });
    expect(await line.locator('button', { hasText: 'Cancel' }).count()).toBe(1);

    const port = Number(new URL(app!.served.url).port);
    try {
      await app!.served.stop();
    } finally {
      resume();
    }
    again = await startServe(join(root, 'home'), { port });
    await page.locator('[data-testid="restarted"]').waitFor({ timeout: 60_000 });

    // The ranking's line is gone, and what became of it is said once, in its place.
    await expect.poll(() => line.count(), { timeout: 30_000 }).toBe(0);
    expect(await page.locator('.match button', { hasText: 'Cancel' }).count()).toBe(0);
    const said = page.locator('.match [role="alert"]');
    expect(await said.count()).toBe(1);
    expect(await said.locator('strong').innerText()).toBe(JOB_LOST);
    expect(await said.locator('.muted').count()).toBe(0);
    expect(await page.locator('[data-testid="find-music"]').isDisabled()).toBe(false);
  }, 900_000);

  it('a scan the folder watcher started ends on screen too, said where its line was', async () => {
    const page = app!.page;
    const port = Number(new URL(again!.url).port);
    await page.goto(again!.url);
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 60_000 });
    await page.click('nav button[data-screen="library"]');
    // A new file lands in the watched folder whole (a rename): the engine's watcher scans it as its own job.
    const landed = join(music, 'long.flac');
    renameSync(longTrack, landed);
    await expect
      .poll(
        () => {
          for (const pid of ffmpegsReading(landed)) {
            process.kill(pid, 'SIGSTOP');
            held.push(pid);
          }
          return held.length > 0;
        },
        { timeout: 300_000, interval: 20 },
      )
      .toBe(true);
    const line = page.locator('.job[data-job-op="library.scan"]');
    await line.waitFor({ timeout: 60_000 });
    expect(await line.innerText()).toContain('Scanning new files');

    try {
      await again!.stop();
    } finally {
      resume();
    }
    again = await startServe(join(root, 'home'), { port });
    await page.locator('[data-testid="restarted"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => line.count(), { timeout: 30_000 }).toBe(0);
    expect(await page.locator('[data-testid="scan-stopped"]').innerText()).toBe(`The scan of new files ${JOB_LOST}`);
    expect(await page.locator('.library button', { hasText: 'Cancel' }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/app-s19-restarted-scan.png' });
  }, 900_000);
});
