/**
 * The Match screen's timeline in Chromium against `needledrop serve`: a generated clip with hard
 * cuts at known frames shows cut markers at the right x; a generated track with a known beat
 * grid (a beat every 0.6 s from 0.2 s) is fitted to the clip and the plan drawn; moving a splice
 * (keys and drag) shifts the kept ranges by true beats and keeps the length; undo restores the
 * plan exactly; the preview follows the edited remix; "Export with fit" renders the edited plan:
 * the file lasts the clip, and its audio after the moved splice is the track at the moved in
 * point (cross-correlation); redo brings undone moves back (review R2.8); "Hand off" writes an EDL
 * and FCPXML holding the moved splice where the test moved it, and "Save plan" a file the CLI's
 * `fit --plan` renders to the same ranges (review R2.11).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../helpers/cli';
import { decodeMono, hardCuts } from '../helpers/media';
import { correlationAt } from '../helpers/signal';
import { synthTrack, wavBytes } from '../unit/fit/synth-track';
import { hasChromium, probe, screenshot, startAppOnLibrary, type App } from './harness';

const root = mkdtempSync(join(tmpdir(), 'nd-e2e-fit-'));
const music = join(root, 'music');
const FPS = 25;
// Longer than the track (8 bars and its ending, 21.9 s): every fit has to splice, wherever the match puts the offset.
const CLIP_SECONDS = 30;
// Cut frames off the features' 10 fps grid: 61, 128, 221 and 382 of 25 fps.
const CUTS = [2.44, 5.12, 8.84, 15.28];
// 100 BPM: a tempo the catalog's analysis reads as it is at any start offset (the fit splices on the catalog's beats).
const BEAT = 0.6;
const LEAD = 0.2;
const SR = 22050;
const track = synthTrack({ bars: 8, bpm: 100, ending: true, lead: LEAD, sampleRate: SR });
const TRACK_FILE = join(music, 'synth-100.wav');

let app: App | undefined;
let page: Page;
let clipFile: string;
/** The planned plan the export case moved splice 1 of by one beat (the plan then shown). */
let plannedRanges: Range[] = [];

interface Range {
  s: number;
  e: number;
  o: number;
}

const readRanges = (): Promise<Range[]> =>
  page.$$eval('[data-testid="fit-range"]', (els) =>
    els.map((el) => ({ s: Number((el as HTMLElement).dataset.sourceStart), e: Number((el as HTMLElement).dataset.sourceEnd), o: Number((el as HTMLElement).dataset.outputStart) })),
  );
const total = (rs: Range[]): number => rs.reduce((a, r) => a + r.e - r.s, 0);
/** Distance to the nearest true beat of the generated track. */
const offBeat = (t: number): number => Math.abs(t - LEAD - Math.round((t - LEAD) / BEAT) * BEAT);

async function rangesChangedFrom(before: Range[]): Promise<Range[]> {
  const key = JSON.stringify(before);
  await page.waitForFunction(
    (k) => JSON.stringify(Array.from(document.querySelectorAll<HTMLElement>('[data-testid="fit-range"]')).map((el) => ({ s: Number(el.dataset.sourceStart), e: Number(el.dataset.sourceEnd), o: Number(el.dataset.outputStart) }))) !== k,
    key,
    { timeout: 30_000 },
  );
  return readRanges();
}

describe.skipIf(!hasChromium)('Match: cut markers and the fit timeline in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(music, { recursive: true });
    writeFileSync(TRACK_FILE, wavBytes(track.pcm, SR));
    clipFile = await hardCuts(root, { seconds: CLIP_SECONDS, cuts: CUTS, fps: FPS, width: 320, height: 180, name: 'cuts.mp4' });
    app = await startAppOnLibrary(join(root, 'home'), [music]);
    page = app.page;
  }, 600_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws the clip’s shot cuts on the thumbnail strip where they are', async () => {
    await page.click('nav button[data-screen="match"]');
    await page.fill('input[aria-label="Clip path"]', clipFile);
    await page.click('[data-testid="open-clip"]');
    await page.locator('[data-testid="clip-video"]').waitFor();
    const markers = page.locator('[data-testid="cut-marker"]');
    await expect.poll(() => markers.count(), { timeout: 60_000 }).toBe(CUTS.length);
    const strip = (await page.locator('[data-testid="timeline"]').boundingBox())!;
    const duration = Number(probe(clipFile).format.duration);
    for (const [i, cut] of CUTS.entries()) {
      const box = (await markers.nth(i).boundingBox())!;
      const x = box.x + box.width / 2 - strip.x;
      const expected = (cut / duration) * strip.width;
      // One frame of the clip in pixels, plus a pixel of rounding.
      expect(Math.abs(x - expected)).toBeLessThanOrEqual(strip.width / (duration * FPS) + 1.5);
    }
    // ] jumps to the next cut from the start.
    await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement) => (v.currentTime = 0));
    await page.keyboard.press(']');
    await page.waitForFunction((c) => Math.abs((document.querySelector('[data-testid="clip-video"]') as HTMLVideoElement).currentTime - c) < 1 / 25 + 0.01, CUTS[0], { timeout: 10_000 });
  }, 300_000);

  it('fits the track, moves a splice by keys and by drag, keeps the length, and undoes back to the plan exactly', async () => {
    await page.click('[data-testid="find-music"]');
    await page.locator('[data-testid="ranked"] .item.selected').waitFor({ timeout: 300_000 });
    await page.click('[data-testid="fit"]');
    await page.locator('[data-testid="fit-timeline"]').waitFor({ timeout: 300_000 });
    const planned = await readRanges();
    expect(planned.length).toBeGreaterThanOrEqual(2);
    expect(Math.abs(total(planned) - CLIP_SECONDS)).toBeLessThan(1e-3);
    for (let k = 1; k < planned.length; k++) {
      expect(offBeat(planned[k - 1].e)).toBeLessThan(0.02);
      expect(offBeat(planned[k].s)).toBeLessThan(0.02);
    }
    // The fit's own cuts lane shows the same cuts.
    expect(await page.locator('[data-testid="fit-cut"]').count()).toBe(CUTS.length);

    // One beat later, by keys.
    const handle = page.locator('[data-testid="splice-handle"]').first();
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    const moved = await rangesChangedFrom(planned);
    expect(moved).toHaveLength(planned.length);
    expect(Math.abs(moved[0].e - planned[0].e - BEAT)).toBeLessThan(0.02);
    expect(Math.abs(moved[1].s - planned[1].s - BEAT)).toBeLessThan(0.02);
    expect(Math.abs(moved[1].o - planned[1].o - BEAT)).toBeLessThan(0.02);
    expect(Math.abs(total(moved) - CLIP_SECONDS)).toBeLessThan(1e-3);
    for (let k = 2; k < planned.length; k++) expect(moved[k]).toEqual(planned[k]);

    // Two beats earlier, by dragging the handle.
    const lanes = (await page.locator('[data-testid="fit-timeline"] .lanes').boundingBox())!;
    const box = (await handle.boundingBox())!;
    const px = (2 * BEAT * lanes.width) / CLIP_SECONDS;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - px, box.y + box.height / 2, { steps: 8 });
    await page.mouse.up();
    const dragged = await rangesChangedFrom(moved);
    expect(Math.abs(dragged[0].e - moved[0].e + 2 * BEAT)).toBeLessThan(0.02);
    expect(Math.abs(dragged[1].s - moved[1].s + 2 * BEAT)).toBeLessThan(0.02);
    expect(Math.abs(total(dragged) - CLIP_SECONDS)).toBeLessThan(1e-3);

    // Undo twice (Ctrl+Z, then the button): the planned plan, to the last digit.
    await page.keyboard.press('Control+z');
    expect(await rangesChangedFrom(dragged)).toEqual(moved);
    await page.click('[data-testid="fit-undo"]');
    expect(await rangesChangedFrom(moved)).toEqual(planned);
    await expect.poll(() => page.locator('[data-testid="fit-undo"]').isDisabled()).toBe(true);

    // Redo brings both moves back (Ctrl+Shift+Z, Ctrl+Y), exactly; the button too after an undo (review R2.8).
    await page.keyboard.press('Control+Shift+Z');
    expect(await rangesChangedFrom(planned)).toEqual(moved);
    await page.keyboard.press('Control+y');
    expect(await rangesChangedFrom(moved)).toEqual(dragged);
    await expect.poll(() => page.locator('[data-testid="fit-redo"]').isDisabled()).toBe(true);
    await page.keyboard.press('Control+z');
    expect(await rangesChangedFrom(dragged)).toEqual(moved);
    await page.click('[data-testid="fit-redo"]');
    expect(await rangesChangedFrom(moved)).toEqual(dragged);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await expect.poll(readRanges).toEqual(planned);
  }, 900_000);

  it('exports exactly the edited plan: the clip’s length, and the track at the moved in point after the splice', async () => {
    const planned = await readRanges();
    plannedRanges = planned;
    await page.locator('[data-testid="splice-handle"]').first().focus();
    await page.keyboard.press('ArrowRight');
    const edited = await rangesChangedFrom(planned);
    // The preview follows the edited remix: the track where each kept range puts it, the moved in point after the splice.
    for (const t of [2, edited[1].o + 0.5]) {
      const r = t >= edited[1].o ? edited[1] : edited[0];
      await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement, x) => (v.currentTime = x), t);
      await page.waitForFunction((e) => Math.abs((document.querySelector('[data-testid="track-audio"]') as HTMLAudioElement).currentTime - e) < 0.1, r.s + (t - r.o), { timeout: 10_000 });
    }
    await page.locator('[data-testid="clip-video"]').evaluate((v: HTMLVideoElement, t) => (v.currentTime = t), edited[1].o - 1);
    await screenshot(page, 'match-fit');

    const out = join(root, 'fitted.mp4');
    await page.fill('input[aria-label="Export to"]', out);
    await page.click('[data-testid="export-fit"]');
    await page.locator('[data-testid="export-done"]').waitFor({ timeout: 300_000 });
    expect(existsSync(out)).toBe(true);
    const p = probe(out);
    expect(Math.abs(Number(p.format.duration) - CLIP_SECONDS)).toBeLessThanOrEqual(1 / FPS);
    const audio = p.streams.find((s) => s.codec_type === 'audio');
    expect(audio).toBeDefined();
    expect(Math.abs(Number(audio!.duration) - CLIP_SECONDS)).toBeLessThanOrEqual(1 / FPS);

    // After the moved splice the export plays the track from the moved in point, not the planned one.
    const pcm = await decodeMono(out, SR);
    const n = Math.round(0.3 * SR);
    const lag = Math.round(0.02 * SR);
    const at = (t: number): number => Math.round(t * SR);
    const after = at(edited[1].o + 0.02);
    const atMoved = correlationAt(pcm, after, track.pcm, at(edited[1].s + 0.02), n, lag);
    const atPlanned = correlationAt(pcm, after, track.pcm, at(planned[1].s + 0.02), n, lag);
    // Before it, the range before the splice up to its (moved) out point.
    const before = correlationAt(pcm, at(edited[1].o - 0.35), track.pcm, at(edited[0].e - 0.35), n, lag);
    console.log(`export around the moved splice: after ${atMoved.toFixed(3)} (planned in point ${atPlanned.toFixed(3)}), before ${before.toFixed(3)}`);
    expect(atMoved).toBeGreaterThan(0.9);
    expect(before).toBeGreaterThan(0.9);
    expect(atMoved).toBeGreaterThan(atPlanned + 0.05);
    expect(app!.session.problems).toEqual([]);
  }, 900_000);

  it('hands the edited fit off and saves its plan: the EDL and FCPXML hold the moved splice, and the CLI renders the saved plan (review R2.11)', async () => {
    // What the export case left shown: the planned plan with splice 1 one true beat later.
    expect(plannedRanges.length).toBeGreaterThanOrEqual(2);
    const expected = plannedRanges.map((r, k) => (k === 0 ? { ...r, e: r.e + BEAT } : k === 1 ? { ...r, s: r.s + BEAT, o: r.o + BEAT } : r));
    const shown = await readRanges();
    shown.forEach((r, k) => (['s', 'e', 'o'] as const).forEach((f) => expect(Math.abs(r[f] - expected[k][f])).toBeLessThan(0.02)));

    const folder = join(root, 'handoff');
    mkdirSync(folder);
    await page.fill('input[aria-label="Hand off into"]', folder);
    await page.click('[data-testid="handoff"]');
    await page.locator('[data-testid="handoff-done"]').waitFor({ timeout: 300_000 });
    for (const f of ['cuts-fit.fcpxml', 'cuts-fit.edl', 'cuts-fit-markers.csv', 'cuts-fit.wav']) expect(existsSync(join(folder, f))).toBe(true);
    const remix = probe(join(folder, 'cuts-fit.wav'));
    expect(Math.abs(Number(remix.format.duration) - CLIP_SECONDS)).toBeLessThanOrEqual(1 / FPS);

    // EDL: the track's kept ranges on A2, source in and record in (from 01:00:00:00) at 25 fps, one frame of rounding.
    const frames = (tc: string): number => tc.split(':').map(Number).reduce((a, x, i) => (i < 3 ? a * 60 + x : a * FPS + x), 0);
    const a2 = readFileSync(join(folder, 'cuts-fit.edl'), 'utf8')
      .split('\n')
      .map((l) => /^\d{3}  TRACK\s+A2\s+C\s+(\S+) (\S+) (\S+) (\S+)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ src: frames(m[1]), rec: frames(m[3]) - 3600 * FPS }));
    expect(a2).toHaveLength(expected.length);
    a2.forEach((ev, k) => {
      expect(Math.abs(ev.src - expected[k].s * FPS)).toBeLessThanOrEqual(1);
      expect(Math.abs(ev.rec - expected[k].o * FPS)).toBeLessThanOrEqual(1);
    });
    // FCPXML: a splice marker on the remix where each range after the first starts in the output.
    const seconds = (t: string): number => {
      const m = /^(\d+)(?:\/(\d+))?s$/.exec(t)!;
      return Number(m[1]) / Number(m[2] ?? 1);
    };
    const splices = [...readFileSync(join(folder, 'cuts-fit.fcpxml'), 'utf8').matchAll(/<marker start="([^"]+)"[^>]*value="Splice (\d+) /g)].map((m) => ({ k: Number(m[2]), t: seconds(m[1]) }));
    expect(splices.map((m) => m.k)).toEqual(expected.slice(1).map((_, i) => i + 1));
    splices.forEach((m) => expect(Math.abs(m.t - expected[m.k].o)).toBeLessThanOrEqual(1 / FPS));

    // Save plan: the ranges shown, in the file the CLI's --plan reads, which renders them again.
    await page.click('[data-testid="save-plan"]');
    await page.locator('[data-testid="plan-saved"]').waitFor({ timeout: 30_000 });
    const planFile = join(folder, 'cuts-fit-plan.json');
    const doc = JSON.parse(readFileSync(planFile, 'utf8')) as { clip: string; track: string; plan: { ranges: Array<{ sourceStart: number; sourceEnd: number; outputStart: number }> } };
    expect([doc.clip, doc.track]).toEqual([clipFile, TRACK_FILE]);
    expect(doc.plan.ranges.map((r) => ({ s: r.sourceStart, e: r.sourceEnd, o: r.outputStart }))).toEqual(shown);
    const cliRemix = join(root, 'cli-remix.wav');
    const cli = await needledropWithEnv({ NEEDLEDROP_HOME: join(root, 'home') }, 'fit', clipFile, TRACK_FILE, '--plan', planFile, '--out', cliRemix, '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const rendered = (JSON.parse(cli.stdout) as { plan: { ranges: Array<{ sourceStart: number; sourceEnd: number; outputStart: number }> } }).plan.ranges;
    expect(rendered).toHaveLength(expected.length);
    rendered.forEach((r, k) => {
      expect(Math.abs(r.sourceStart - expected[k].s)).toBeLessThan(0.02);
      expect(Math.abs(r.sourceEnd - expected[k].e)).toBeLessThan(0.02);
      expect(Math.abs(r.outputStart - expected[k].o)).toBeLessThan(0.02);
    });
    expect(Math.abs(Number(probe(cliRemix).format.duration) - CLIP_SECONDS)).toBeLessThanOrEqual(1 / FPS);
    expect(app!.session.problems).toEqual([]);
  }, 900_000);
});
