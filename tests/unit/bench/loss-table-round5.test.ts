import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Round 5's plan as docs/eval-losses.md fixes it (written out here, not imported from the script).
const SEEDS = Array.from({ length: 12 }, (_, i) => 9001 + i);
const LOSSES = ['infonce', 'contrastive', 'triplet-margin', 'supcon', 'multi-similarity'];
const SPEC = { audio: 'a-520d79986112', video: 'v-1da91ebecb4c' };

const root = mkdtempSync(join(tmpdir(), 'round5-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'round5');
const round4Json = join(root, 'round4.json');

const side = (recall10: number): Record<string, number> => ({ recall1: 0.1, recall5: 0.3, recall10, medianRank: 8, mapAtR: 0.1, mrr: recall10 / 3 });
/** Four losses level (within 0.002 on every seed), contrastive 0.3 behind: round 4's 360-step group by construction. */
const level = (loss: string, i: number): number => (loss === 'contrastive' ? 0.4 : 0.7 + 0.002 * (i % 3));

/** Round 4's summary (as `--round4 --json` writes it: no per-query ranks) and round 5's 720-step files. */
function writeAll(at720: (loss: string, i: number) => number = level, spec360 = SPEC): void {
  rmSync(cache, { recursive: true, force: true });
  const results: Record<string, unknown> = {};
  for (const [i, seed] of SEEDS.entries()) {
    for (const loss of LOSSES) {
      results[`${seed}/360/${loss}`] = { method: loss, videoToMusic: side(level(loss, i)), musicToVideo: side(level(loss, i)), seed, steps: 360, trainSeed: 1, spec: spec360 };
      const dir = join(cache, 'losses', `seed-${seed}`, 'steps-720');
      mkdirSync(dir, { recursive: true });
      const r10 = at720(loss, i);
      writeFileSync(join(dir, `${loss}.json`), JSON.stringify({ method: loss, videoToMusic: side(r10), musicToVideo: side(r10), galleries: [{ source: 'test split' }], seed, steps: 720, trainSeed: 1, spec: SPEC }));
    }
  }
  writeFileSync(round4Json, JSON.stringify({ seeds: SEEDS, budgets: [180, 360], results }));
}

const run = (): ReturnType<typeof spawnSync> =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/loss-table.ts', '--round5', '--cache', cache, '--round4-json', round4Json], { encoding: 'utf8' });
const report = (): string => {
  const r = run();
  expect(r.status, String(r.stderr)).toBe(0);
  return String(r.stdout);
};

describe('loss-table --round5: 720 steps against round 4\'s 360, only on the complete plan', () => {
  it('with one planned run missing prints the count and no statistic', () => {
    writeAll();
    unlinkSync(join(cache, 'losses', 'seed-9007', 'steps-720', 'triplet-margin.json'));
    const out = report();
    expect(out).toContain('Round 5: 59 of 60 planned runs are in');
    expect(out).toContain('9007/720/triplet-margin');
    expect(out).not.toMatch(/interval|leader|Verdict|question/);
  }, 60_000);

  it('answers yes when the four stay level at 720 and contrastive still loses', () => {
    writeAll();
    const out = report();
    expect(out).toMatch(/Verdict at 720 steps: \S+ leads a winner group of 4/);
    expect(out).toMatch(/Verdict at 360 steps: \S+ leads a winner group of 4/);
    expect(out).toMatch(/Lose to \S+ \(by the mean lead, at least by the interval's lower end\): contrastive/);
    expect(out).toContain("Round 5's question");
    expect(out).toContain('Yes: the ranking has stopped moving');
  }, 60_000);

  it('answers no when one of the four falls behind at 720 steps', () => {
    writeAll((loss, i) => (loss === 'infonce' ? 0.4 : level(loss, i)));
    const out = report();
    expect(out).toMatch(/Verdict at 720 steps: \S+ leads a winner group of 3/);
    expect(out).toContain('No: no verdict from round 5');
    expect(out).not.toContain('Yes: the ranking');
  }, 60_000);

  it('refuses a 360-step value that is not round 4\'s run, naming it and why', () => {
    writeAll(level, { audio: 'a-000000000000', video: SPEC.video });
    const r = run();
    expect(r.status).toBe(2);
    expect(String(r.stderr)).toContain('9001/360/infonce');
    expect(String(r.stderr)).toMatch(/descriptors a-000000000000/);
    expect(String(r.stdout)).not.toMatch(/Verdict/);
  }, 60_000);

  it('refuses a 720-step run without per-query ranks, naming the file', () => {
    writeAll();
    const file = join(cache, 'losses', 'seed-9003', 'steps-720', 'supcon.json');
    writeFileSync(file, JSON.stringify({ method: 'supcon', videoToMusic: side(0.7), musicToVideo: side(0.7), galleries: [], seed: 9003, steps: 720, trainSeed: 1, spec: SPEC }));
    const r = run();
    expect(r.status).toBe(2);
    expect(String(r.stderr)).toContain(file);
    expect(String(r.stderr)).toMatch(/no per-query ranks/);
  }, 60_000);
});
