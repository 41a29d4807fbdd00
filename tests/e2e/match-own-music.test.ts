/**
 * The clip's own music on the Match screen, in Chromium against `needledrop serve` (review R3.8):
 * a clip whose audio is a library recording says so under its summary and offers "Also by its own
 * music"; ticked, the recording ranks first, marked as the temp track itself, from where the clip
 * has it. A clip with no audio stream says so and offers no toggle. Truths: the clip was made here
 * with ffmpeg from the waltz at T = 12.3 s; the first row's file is asked of the engine.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedMediaDir } from '../helpers/media';
import { hasChromium, openClipOnMatch, startAppOnLibrary, type App } from './harness';

const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-e2e-own-music-'));
const WALTZ = '147793__setuniman__sweet-waltz-0i-22mi.ogg';
const OTHERS = ['Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg', 'admiralbob77_-_Choice_-_Drum-bass.ogg'];
const T = 12.3;
let app: App | undefined;
let page: Page;

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
}

describe.skipIf(!hasChromium || !media)('Match: the clip’s own music is said, and ranked by when ticked (R3.8)', () => {
  beforeAll(async () => {
    const music = join(root, 'music');
    mkdirSync(music);
    mkdirSync(join(root, 'home'));
    for (const f of [WALTZ, ...OTHERS]) copyFileSync(join(media!, 'music', f), join(music, f));
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=16', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(root, 'mute.mp4')]);
    ffmpeg(['-i', join(root, 'mute.mp4'), '-ss', String(T), '-i', join(music, WALTZ), '-map', '0:v', '-map', '1:a', '-t', '16', '-c:v', 'copy', '-c:a', 'aac', join(root, 'temp.mp4')]);
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    page = app.page;
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('a clip with a library recording as its sound: said, toggle offered, ticked ranks it first from T', async () => {
    await openClipOnMatch(page, join(root, 'temp.mp4'));
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="ranked"] .item.selected').waitFor({ timeout: 300_000 });
    const line = page.locator('[data-testid="clip-sound"]');
    expect(await line.getAttribute('data-kind')).toBe('music');
    expect(await line.textContent()).toMatch(/^\s*The clip has its own music: 16 s, music share \d\.\d\d; not used by this ranking/);
    expect(await page.locator('[data-testid="own-music-why"]').count()).toBe(0);
    // Ticking is a choice, not a new ranking (WCAG 3.2.2): the ranking shown stays, and the screen and
    // the live region say it is not by the choice until Re-rank.
    await page.locator('[data-testid="own-music-toggle"] input').check();
    const pending = page.locator('[data-testid="own-music-pending"]');
    await pending.waitFor({ timeout: 5000 });
    expect(await pending.innerText()).toMatch(/Not applied yet: the ranking shown is by the picture only\. Re-rank \(or Find music\) to rank also by the clip's own music\./);
    await expect.poll(() => page.locator('[data-testid="announcer"]').innerText(), { timeout: 5000 }).toMatch(/^Not applied yet: the ranking shown is by the picture only/);
    expect(await page.locator('[data-job-op="match"]').count()).toBe(0);
    expect(await page.locator('[data-testid="own-music-why"]').count()).toBe(0);
    await page.locator('[data-testid="re-rank"]').click();
    await page.locator('[data-testid="own-music-why"]').first().waitFor({ timeout: 300_000 });
    expect(await pending.count()).toBe(0);
    expect(await line.textContent()).toMatch(/ranked by picture 0\.6 \+ sounds like the temp track 0\.4/);
    const first = page.locator('[data-testid="ranked"] .item').first();
    expect(await first.textContent()).toMatch(/the temp track itself/);
    // The first row is the waltz (its path asked of the engine), started where the clip has it.
    const firstId = Number(await first.getAttribute('data-track-id'));
    const track = await app!.engine.call('tracks.detail', { id: firstId });
    expect(track.path.endsWith(WALTZ)).toBe(true);
    await first.click();
    const offset = Number(await page.locator('[data-testid="offset"]').getAttribute('data-offset'));
    expect(Math.abs(offset - T)).toBeLessThanOrEqual(0.5);
    expect(await page.locator('[data-testid="own-music-why"]').first().getAttribute('title')).toMatch(/picture -?\d\.\d{3} × 0\.6 \+ sounds like the temp track -?\d\.\d{3} × 0\.4; the temp track itself, from 12\.\d s/);
  }, 600_000);

  it('a clip with no audio stream: said in one line, no toggle', async () => {
    await openClipOnMatch(page, join(root, 'mute.mp4'));
    // The first clip's ranking goes once the second is open: Find music is then this clip's.
    await page.locator('[data-testid="ranked"]').waitFor({ state: 'detached', timeout: 60_000 });
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="clip-sound"][data-kind="none"]').waitFor({ timeout: 300_000 });
    expect(await page.locator('[data-testid="clip-sound"]').textContent()).toMatch(/^\s*The clip has no audio stream\s*$/);
    expect(await page.locator('[data-testid="own-music-toggle"]').count()).toBe(0);
  }, 600_000);
});
