/**
 * A match tells one truth about a clip's cuts (review T5), and does not rank a range too short for
 * the model to judge (review T9). The truths are the clip's construction: hard cuts between shots
 * of different colours at known times, 25 fps, among them cuts 2 and 3 frames apart (one 0.1 s
 * step of the 10 fps analysis merged such a pair: the screen said "7 shot cuts" under the clip and
 * "6 cuts" over its ranking) and cuts exactly on the in and out points of the range asked. And the
 * minimum range, 2.25 s (contract/clip-range.ts), just below, at and above it, through the real CLI
 * (exit code, message) and the engine service the app uses.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ClipMatch, RankedClip } from '../../../electron/contract/types';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { run as matchCli } from '../../../scripts/cli/match';
import { needledrop } from '../../helpers/cli';
import { hardCuts, musicLike } from '../../helpers/media';
import { indexedCatalog, MODEL, runCli, tempDir } from './fixture';

const FPS = 25;
const SECONDS = 12;
/**
 * On whole frames. 2.44/2.52 (2 frames apart) and 5.16/5.28 (3 frames): the 10 fps analysis saw one
 * cut of each pair; 1.0 and 9.0: the in and out points of RANGE.
 */
const CUTS = [1.0, 2.44, 2.52, 5.16, 5.28, 7.4, 9.0, 10.2];
const RANGE = { start: 1, end: 9 };
/** Seen inside RANGE: a range that begins on a new shot has no cut there, and the cut on its out point is the frame after it. */
const IN_RANGE = [2.44, 2.52, 5.16, 5.28, 7.4];

/** The median of the gaps between consecutive cuts, worked out here from the constructed times. */
function medianGap(cuts: number[]): number {
  const gaps = cuts.slice(1).map((c, i) => c - cuts[i]).sort((a, b) => a - b);
  const mid = (gaps.length - 1) / 2;
  return (gaps[Math.floor(mid)] + gaps[Math.ceil(mid)]) / 2;
}

let root: string;
let clip: string;
let short: string;
let dbPath: string;
let engine: Engine;

const common = (): string[] => ['--db', dbPath, '--model', MODEL, '--provider', 'cpu'];
async function matchJson(...args: string[]): Promise<ClipMatch> {
  const { code, out } = await runCli(matchCli, [clip, ...args, ...common(), '--json']);
  expect(code).toBe(0);
  return (JSON.parse(out) as { clips: ClipMatch[] }).clips[0];
}

beforeAll(async () => {
  root = tempDir('cuts');
  clip = await hardCuts(root, { seconds: SECONDS, cuts: CUTS, fps: FPS, name: 'cuts.mp4' });
  short = await hardCuts(root, { seconds: 2, cuts: [1], fps: FPS, name: 'two-seconds.mp4' });
  const music = join(root, 'music');
  mkdirSync(music);
  for (const [i, bpm] of [90, 120, 150].entries()) await musicLike(music, { seconds: 20, bpm, name: `t${i}.m4a` });
  dbPath = await indexedCatalog(join(root, 'catalog.sqlite'), [music]);
  engine = new Engine(contextFromEnv({}, { dataDir: join(root, 'data'), catalogPath: dbPath, threads: 1 }));
}, 300_000);

afterAll(async () => {
  await engine?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('one truth about a clip’s cuts (review T5)', () => {
  it('the whole clip: match --json, its text and the why count the constructed cuts, as the clip’s cut markers do', async () => {
    const m = await matchJson();
    expect(m.summary.cuts).toBe(CUTS.length);
    expect(m.summary.cutsPerMin).toBeCloseTo((CUTS.length / SECONDS) * 60, 2);
    for (const r of m.results) expect(r.why.pace.cutsPerMin).toBeCloseTo((CUTS.length / SECONDS) * 60, 1);
    // The why's shot length: the median gap between consecutive cuts (review R3.1), within a frame of the constructed ones'.
    for (const r of m.results) expect(Math.abs(r.why.pace.shotSeconds! - medianGap(CUTS))).toBeLessThanOrEqual(1 / FPS + 1e-6);
    // The markers the Match screen draws: the engine's clip.cuts job on the same file.
    const opened = await engine.call('clip.open', { path: clip });
    const markers = await runJob(engine, 'clip.cuts', { id: opened.id });
    expect(markers.cuts).toHaveLength(CUTS.length);
    markers.cuts.forEach((c, i) => expect(Math.abs(c - CUTS[i])).toBeLessThanOrEqual(1 / FPS + 1e-6));
  }, 180_000);

  it('an in–out range whose ends are cuts: JSON, text, why and the engine the app uses all say the cuts inside it', async () => {
    const m = await matchJson('--start', String(RANGE.start), '--end', String(RANGE.end));
    const perMin = (IN_RANGE.length / (RANGE.end - RANGE.start)) * 60;
    expect(m.summary.cuts).toBe(IN_RANGE.length);
    expect(m.summary.cutsPerMin).toBeCloseTo(perMin, 2);
    for (const r of m.results) expect(r.why.pace.cutsPerMin).toBeCloseTo(perMin, 1);
    const text = await runCli(matchCli, [clip, '--start', String(RANGE.start), '--end', String(RANGE.end), ...common()]);
    expect(text.out).toContain(`[1.0–9.0 s]: ${IN_RANGE.length} cuts (${perMin.toFixed(1)}/min)`);
    for (const r of m.results) expect(Math.abs(r.why.pace.shotSeconds! - medianGap(IN_RANGE))).toBeLessThanOrEqual(1 / FPS + 1e-6);
    expect(text.out).toContain(`pace shots of ${m.results[0].why.pace.shotSeconds!.toFixed(2)} s vs`);
    const viaEngine = await runJob(engine, 'match', { clips: [clip], ...RANGE, model: MODEL, provider: 'cpu' });
    expect(viaEngine.clips[0].summary.cuts).toBe(IN_RANGE.length);
  }, 180_000);

  it('--sections: each section begins on a constructed cut and counts the constructed cuts strictly inside it', async () => {
    const m = await matchJson('--sections', '--min-section', '3');
    const sections = m.sections as RankedClip[];
    expect(sections.length).toBeGreaterThanOrEqual(2);
    const frame = 1 / FPS + 1e-6;
    for (const [i, s] of sections.entries()) {
      if (i > 0) expect(Math.min(...CUTS.map((c) => Math.abs(c - s.start)))).toBeLessThanOrEqual(frame);
      const inside = CUTS.filter((c) => c > s.start + frame && c < s.end - frame);
      expect(s.summary.cuts, `section ${s.start}–${s.end}`).toBe(inside.length);
    }
    // Each cut is inside one section or the boundary between two.
    expect(sections.reduce((n, s) => n + s.summary.cuts, 0) + sections.length - 1).toBe(CUTS.length);
    expect(m.summary.cuts).toBe(CUTS.length);
  }, 180_000);
});

describe('a range too short to judge is not ranked (review T9)', () => {
  const refusal = (range: string, seconds: string): string =>
    `${clip}: the range ${range} s lasts ${seconds} s, too short to match: the model judges at least 2.25 s of picture (five of its 0.5 s analysis steps); choose a longer range`;

  it('the CLI refuses just below the minimum and the reviewer’s 0.2 s, with exit 1, naming the clip, the range and the minimum', async () => {
    for (const [end, range, seconds] of [
      ['5.24', '3.000–5.240', '2.24'],
      ['3.2', '3.000–3.200', '0.20'],
    ]) {
      const r = await needledrop('match', clip, '--start', '3', '--end', end, ...common());
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(refusal(range, seconds));
      expect(r.stdout).toBe('');
    }
    // A range cut short by the file's end, and a whole clip shorter than the minimum.
    const tail = await needledrop('match', clip, '--start', '11', ...common());
    expect(tail.code).toBe(1);
    expect(tail.stderr).toContain(refusal('11.000–12.000', '1.00'));
    const whole = await needledrop('match', short, ...common());
    expect(whole.code).toBe(1);
    expect(whole.stderr).toContain(`${short}: the clip lasts 2.00 s, too short to match`);
  }, 180_000);

  it('the engine service refuses the same, and sections shorter than the minimum are not asked for', async () => {
    await expect(runJob(engine, 'match', { clips: [clip], start: 3, end: 3.2, model: MODEL, provider: 'cpu' })).rejects.toMatchObject({
      code: 'bad-input',
      message: refusal('3.000–3.200', '0.20'),
    });
    const r = await needledrop('match', clip, '--sections', '--min-section', '2', ...common());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--min-section');
  }, 180_000);

  it('at the minimum and up to one segment it ranks and says it judged a short range; from one segment on it does not', async () => {
    for (const end of ['5.25', '5.26']) {
      const m = await matchJson('--start', '3', '--end', end);
      expect(m.results.length).toBeGreaterThan(0);
      expect(m.shortRange).toEqual({ seconds: Number(end) - 3, segmentSeconds: 8 });
    }
    const text = await runCli(matchCli, [clip, '--start', '3', '--end', '5.25', ...common()]);
    expect(text.out).toContain("note: judged on a short range: 2.25 s of picture, less than the model's 8 s segment");
    const full = await matchJson('--start', String(RANGE.start), '--end', String(RANGE.end));
    expect(full.shortRange).toBeUndefined();
    expect((await runCli(matchCli, [clip, '--start', '1', '--end', '9', ...common()])).out).not.toContain('short range');
  }, 180_000);
});
