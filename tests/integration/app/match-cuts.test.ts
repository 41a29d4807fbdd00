/**
 * A match tells one truth about a clip's cuts (review T5). The truths are the clip's construction:
 * hard cuts between shots of different colours at known times, 25 fps, among them cuts 2 and 3
 * frames apart (one 0.1 s step of the 10 fps analysis merged such a pair: the screen said "7 shot
 * cuts" under the clip and "6 cuts" over its ranking) and cuts exactly on the in and out points of
 * the range asked.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { ClipMatch, RankedClip } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { run as matchCli } from '../../../scripts/cli/match';
import { hardCuts, musicLike } from '../../helpers/media';
import { indexWithModel, MODEL, runCli, tempDir } from './fixture';

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

let root: string;
let clip: string;
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
  const music = join(root, 'music');
  mkdirSync(music);
  for (const [i, bpm] of [90, 120, 150].entries()) await musicLike(music, { seconds: 20, bpm, name: `t${i}.m4a` });
  dbPath = join(root, 'catalog.sqlite');
  const db = openCatalog(dbPath);
  try {
    await indexWithModel(db, [music]);
  } finally {
    db.close();
  }
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
    expect(text.out).toContain(`pace ${perMin} cuts/min`);
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
