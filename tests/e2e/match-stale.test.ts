/**
 * The Match screen acts on the clip it shows (review R2.5): a ranking still running when another
 * clip is opened landed on the new clip, whose list, offsets, Fit and Export then used a ranking
 * made for the old one. In Chromium against `needledrop serve`: Find music on a long clip, and
 * while the engine decodes it (its ffmpeg is held stopped, so the ranking cannot end before the
 * second clip is open, whatever the machine's speed) another clip is opened. The old ranking's
 * job is stopped, nothing of it shows, and Find music then ranks the clip shown.
 * Also review R2.7: the second clip is coded landscape and turned by its display matrix, and the
 * meta line gives its size as the picture is shown; and review R2.6: a clip longer than the track
 * says, before the export and on its done line, where the track ends and how much silence follows
 * (checked against the written file, decoded).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockTime } from '../../renderer/lib/format';
import { decodeMono, ffmpeg, hardCuts, musicLike, patternVideo, rmsBetween } from '../helpers/media';
import { continueHeld, ffmpegsReading } from '../helpers/pids';
import { hasChromium, openClipOnMatch, startAppOnLibrary, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-stale-'));
/** The generated tracks' length, and a clip longer than them. */
const TRACK = 16;
const CLIP = 24;
let app: App | undefined;
let page: Page;
let long: string;
let rotated: string;
/** ffmpeg processes this test stopped, continued whatever happens. */
const held: number[] = [];

const resume = (): void => continueHeld(held);

describe.skipIf(!hasChromium)('the Match screen acts on the clip it shows', () => {
  beforeAll(async () => {
    const music = join(root, 'music');
    mkdirSync(music);
    mkdirSync(join(root, 'home'));
    for (const [i, bpm] of [96, 128].entries()) await musicLike(music, { seconds: TRACK, bpm, name: `m${i}.wav` });
    long = await patternVideo(root, { seconds: 240, width: 160, height: 90, preset: 'ultrafast', name: 'long.mp4' });
    const coded = await hardCuts(root, { seconds: 6, width: 160, height: 90, cuts: [3], name: 'coded.mp4' });
    rotated = await ffmpeg(['-i', coded, '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], join(root, 'portrait.mp4'));
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    page = app.page;
  }, 600_000);

  afterAll(async () => {
    resume();
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a ranking still running when another clip opens is stopped, and nothing of it shows on the new clip', async () => {
    await openClipOnMatch(page, long);
    // The shot cuts first (their decode of the clip is cached): the only ffmpeg on the clip after Find music is the ranking's.
    await expect.poll(() => page.locator('[data-testid="cut-count"]').innerText(), { timeout: 300_000 }).toMatch(/^\d+ shot cuts?$/);
    await page.click('[data-testid="find-music"]');
    // Hold the ranking's decode as soon as it starts: the ranking cannot end until it is let go.
    await expect
      .poll(
        async () => {
          for (const pid of ffmpegsReading(long)) {
            process.kill(pid, 'SIGSTOP');
            held.push(pid);
          }
          if (held.length > 0) return 'held';
          if ((await page.locator('[data-testid="ranked"]').count()) > 0) return 'the ranking ended before its decode was seen';
          const alert = page.locator('.match [role="alert"]');
          return (await alert.count()) > 0 ? `the ranking failed: ${await alert.innerText()}` : 'waiting';
        },
        { timeout: 300_000, interval: 20 },
      )
      .toBe('held');
    const jobs = await app!.engine.call('jobs.list');
    const matchJob = jobs.find((j) => j.op === 'match' && j.state === 'running');
    expect(matchJob).toBeDefined();
    expect(await page.locator('.job[data-job-op="match"]').count()).toBe(1);

    try {
      await page.fill('input[aria-label="Clip path"]', rotated);
      await page.click('[data-testid="open-clip"]');
      await expect.poll(() => page.locator('.match .meta .mono').innerText(), { timeout: 60_000 }).toBe('portrait.mp4');
    } finally {
      resume();
    }
    // The old ranking's job ends (stopped by the open, or run to its end on the old screen), and the page has heard of it.
    await expect.poll(async () => (await app!.engine.call('jobs.list')).find((j) => j.id === matchJob!.id)?.state, { timeout: 300_000 }).not.toBe('running');
    await expect.poll(() => page.locator('.job[data-job-op="match"]').count(), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => page.locator('[data-testid="find-music"]').isDisabled(), { timeout: 60_000 }).toBe(false);

    expect(await page.locator('[data-testid="ranked"]').count()).toBe(0);
    expect(await page.locator('[data-testid="chosen"]').count()).toBe(0);
    expect(await page.locator('.match .summary').count()).toBe(0);
    // Stopped, not left to run for nothing.
    expect((await app!.engine.call('jobs.list')).find((j) => j.id === matchJob!.id)?.state).toBe('cancelled');

    // Find music now ranks the clip shown: its whole 6 s.
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="ranked"] .item, .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    expect(await page.locator('[data-testid="summary-cuts"]').innerText()).toMatch(/ in 0:00\.0–0:06\.0$/);
    expect(app!.session.problems).toEqual([]);
  }, 900_000);

  it('a rotated clip: the size as the picture is shown (review R2.7)', async () => {
    // ffprobe's display matrix turns counter-clockwise; the screen says the clockwise turn.
    const ccw = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-of', 'json', rotated]).toString()).streams[0].side_data_list[0].rotation as number;
    expect(await page.locator('[data-testid="clip-size"]').innerText()).toBe(`90×160 (rotated ${(360 - ccw) % 360}°)`);
    // The player shows it so too.
    expect(await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement) => `${v.videoWidth}×${v.videoHeight}`)).toBe('90×160');
  }, 120_000);

  it('a clip longer than the track: the silence is said before the export and on its done line (review R2.6)', async () => {
    const clip = await hardCuts(root, { seconds: CLIP, width: 160, height: 90, cuts: [8, 16], name: 'longer.mp4' });
    await openClipOnMatch(page, clip);
    await expect.poll(() => page.locator('.match .meta .mono').innerText(), { timeout: 60_000 }).toBe('longer.mp4');
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 300_000 });
    const offset = Number(await page.locator('[data-testid="offset"]').getAttribute('data-offset'));
    // By construction: the 16 s track from `offset` under the 24 s clip.
    const ends = TRACK - offset;
    const said = `the track ends at ${clockTime(ends)}; ${clockTime(CLIP - ends)} of silence after it`;
    expect(await page.locator('[data-testid="export-silence"]').innerText()).toBe(`Export: ${said}.`);

    const out = join(root, 'longer-scored.mp4');
    await page.fill('input[aria-label="Export to"]', out);
    await expect.poll(() => page.locator('[data-testid="export"]').isDisabled(), { timeout: 30_000 }).toBe(false);
    await page.click('[data-testid="export"]');
    await page.locator('[data-testid="export-done"], .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    expect(await page.locator('[data-testid="export-done"]').innerText()).toContain(`LUFS, ${said})`);
    // The file: the track heard until `ends`, silent after (its fade aside).
    const rate = 8000;
    const pcm = await decodeMono(out, rate);
    expect(rmsBetween(pcm, rate, ends - 2, ends - 0.6)).toBeGreaterThan(0.01);
    expect(rmsBetween(pcm, rate, ends + 0.1, CLIP - 0.1)).toBeLessThan(1e-3);
  }, 900_000);

  it('after In and Out, Export writes the track between them only, and says so (review R2.13)', async () => {
    // The clip of the test before, open: In at 4 s, Out at 12 s (inside the 16 s tracks from any offset up to 8 s).
    for (const [which, t] of [['set-in', 4], ['set-out', 12]] as const) {
      await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement, x) => (v.currentTime = x), t);
      await page.click(`[data-testid="${which}"]`);
    }
    await page.click('[data-testid="find-music"]');
    await expect.poll(() => page.locator('[data-testid="summary-cuts"]').innerText(), { timeout: 300_000 }).toMatch(/ in 0:04\.0–0:12\.0$/);
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid="export"]').innerText()).toBe('Export 0:04.0–0:12.0');
    const offset = Number(await page.locator('[data-testid="offset"]').getAttribute('data-offset'));
    const out = join(root, 'in-out.mp4');
    await page.fill('input[aria-label="Export to"]', out);
    await expect.poll(() => page.locator('[data-testid="export"]').isDisabled(), { timeout: 30_000 }).toBe(false);
    await page.click('[data-testid="export"]');
    await page.locator('[data-testid="export-done"], .match [role="alert"]').first().waitFor({ timeout: 300_000 });
    expect(await page.locator('[data-testid="export-done"]').count()).toBe(1);
    const rate = 8000;
    const pcm = await decodeMono(out, rate);
    expect(rmsBetween(pcm, rate, 0.1, 3.95)).toBeLessThan(1e-3);
    expect(rmsBetween(pcm, rate, 12.05, CLIP - 0.1)).toBeLessThan(1e-3);
    // Heard between them wherever the track is there (16 s from `offset` at 4 s).
    expect(rmsBetween(pcm, rate, 4.6, Math.min(12, 4 + TRACK - offset) - 0.6)).toBeGreaterThan(0.01);
  }, 900_000);

  it('a verdict answered after another clip opened is not shown on that clip (review R2.5)', async () => {
    // The engine's replies pass through here; the one to feedback.record is held until let go.
    const held: Array<() => void> = [];
    const recordIds = new Set<number>();
    await page.routeWebSocket(/\/api/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { kind: string; id: number; op?: string };
        if (msg.kind === 'call' && msg.op === 'feedback.record') recordIds.add(msg.id);
        server.send(m);
      });
      server.onMessage((m) => {
        const msg = JSON.parse(String(m)) as { kind: string; id?: number };
        if (msg.kind === 'reply' && msg.id !== undefined && recordIds.has(msg.id)) held.push(() => ws.send(m));
        else ws.send(m);
      });
    });
    await page.reload();
    await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
    const first = await hardCuts(root, { seconds: 8, width: 160, height: 90, cuts: [4], name: 'judged.mp4' });
    await openClipOnMatch(page, first);
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 300_000 });
    const rejected = Number(await page.locator('[data-testid="ranked"] .item.selected').getAttribute('data-track-id'));
    await page.click('[data-testid="reject"]');
    await expect.poll(() => held.length, { timeout: 60_000 }).toBe(1);
    // The engine stored it, for the first clip.
    expect((await app!.engine.call('feedback.list')).filter((f) => f.clipPath === first && f.trackId === rejected && f.verdict === 'reject')).toHaveLength(1);

    await page.fill('input[aria-label="Clip path"]', rotated);
    await page.click('[data-testid="open-clip"]');
    await expect.poll(() => page.locator('.match .meta .mono').innerText(), { timeout: 60_000 }).toBe('portrait.mp4');
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="chosen"]').waitFor({ timeout: 300_000 });
    held.splice(0).forEach((send) => send());
    // A round trip after the released reply (the socket keeps order): the page has handled it once this shows.
    await page.fill('input[aria-label="Export to"]', join(root, 'x.txt'));
    await expect.poll(() => page.locator('[data-testid="out-problem"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('[data-testid="ranked"] .item.rejected').count()).toBe(0);
    expect(await page.locator('[data-testid="verdict"]').count()).toBe(0);
  }, 900_000);
});
