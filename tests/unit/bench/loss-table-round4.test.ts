import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Round 4's plan as docs/eval-losses.md fixes it (written out here, not imported from the script).
const SEEDS = Array.from({ length: 12 }, (_, i) => 9001 + i);
const LOSSES = ['infonce', 'contrastive', 'triplet-margin', 'supcon', 'multi-similarity'];
const BUDGETS = [180, 360];

// Today's descriptor versions, as docs/eval-losses.md names them (written out, not imported).
const SPEC = { audio: 'a-520d79986112', video: 'v-1da91ebecb4c' };

const cache = mkdtempSync(join(tmpdir(), 'round4-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** A result file shaped like round4.ts's: multi-similarity far ahead on every seed, the rest close together. */
function writeAll(): void {
  for (const steps of BUDGETS) {
    for (const [i, seed] of SEEDS.entries()) {
      for (const [j, loss] of LOSSES.entries()) {
        const recall10 = loss === 'multi-similarity' ? 0.9 : 0.5 + 0.01 * j + 0.002 * (i % 3);
        const dir = join(cache, 'losses', `seed-${seed}`, `steps-${steps}`);
        mkdirSync(dir, { recursive: true });
        const side = { recall1: 0.1, recall5: 0.3, recall10, medianRank: 8, mapAtR: 0.1, mrr: recall10 / 3 };
        writeFileSync(join(dir, `${loss}.json`), JSON.stringify({ method: loss, videoToMusic: side, musicToVideo: side, galleries: [{ name: 'test split' }], seed, steps, trainSeed: 1, spec: SPEC }));
      }
    }
  }
}

const report = (): string => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/loss-table.ts', '--round4', '--cache', cache], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};

describe('loss-table --round4: the rule only on the complete plan', () => {
  it('with one planned run missing prints the count and no statistic', () => {
    writeAll();
    unlinkSync(join(cache, 'losses', 'seed-9012', 'steps-360', 'supcon.json'));
    const out = report();
    expect(out).toContain('119 of 120 planned runs are in');
    expect(out).toContain('9012/360/supcon');
    expect(out).not.toMatch(/interval|leader|wins/);
  }, 60_000);

  it('with all 120 in applies the rule: a loss ahead by 0.3 on every seed wins at both budgets', () => {
    writeAll();
    const out = report();
    expect(out).toContain('Verdict at 360 steps: multi-similarity wins');
    expect(out).toContain('Verdict at 180 steps: multi-similarity wins');
    expect(out).toContain('has stopped moving');
    expect(out).toContain('secondary endpoint: v→m mean reciprocal rank');
  }, 120_000);

  it('refuses a result that is not the plan\'s run, naming the file and why', () => {
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ['descriptors', { spec: { audio: 'a-000000000000', video: SPEC.video } }, /descriptors a-000000000000/],
      ['training seed', { trainSeed: 2 }, /training seed 2/],
      ['steps', { steps: 180 }, /steps 180, its folder says 360/],
      ['galleries', { galleries: [] }, /no per-query ranks/],
    ];
    for (const [, change, why] of bad) {
      writeAll();
      const file = join(cache, 'losses', 'seed-9005', 'steps-360', 'infonce.json');
      const side = { recall1: 0.1, recall5: 0.3, recall10: 0.5, medianRank: 8, mapAtR: 0.1, mrr: 0.2 };
      writeFileSync(file, JSON.stringify({ method: 'infonce', videoToMusic: side, musicToVideo: side, galleries: [{ name: 'test split' }], seed: 9005, steps: 360, trainSeed: 1, spec: SPEC, ...change }));
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench/loss-table.ts', '--round4', '--cache', cache], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(why);
      expect(r.stdout).not.toMatch(/Verdict/);
    }
  }, 120_000);
});
