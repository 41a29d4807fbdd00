/**
 * The per-loss table over several corpus seeds and step budgets: every loss of the metric core
 * trained the way `needledrop eval --losses` trains it (same encoder, batch 64, mood positives,
 * seed 1, validation-only checkpoint choice) on each seed's train split and scored on its test
 * split (held-out style and timbre). Printed per budget: v→m and m→v Recall@10 and median rank,
 * mean ± sd over the seeds, and the rank of each loss; then how far the ranking moved between
 * budgets (Kendall's τ), and the winner's lead over the runner-up and InfoNCE seed by seed.
 * Each (seed, budget, loss) result is kept under --cache, so a cut-short run resumes.
 *
 *   nice -n 10 npx tsx scripts/bench/loss-table.ts [--seeds 9001,9002,9003] [--steps 90,180]
 *     [--losses all|a,b] [--cache .cache/gen] [--json FILE]
 *
 * The corpora are those of scripts/bench/generalise.ts (.cache/gen/corpus-SEED); run it first.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOSS_NAMES } from '../../electron/engine/metric/losses';
import { localJob } from '../../electron/engine/service';
import { checkLoss, evaluate } from '../../electron/engine/service/training';
import type { MethodReport } from '../../electron/engine/train/eval';
import { meanSd } from './stats';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '9001,9002,9003' },
    steps: { type: 'string', default: '90,180' },
    losses: { type: 'string', default: 'all' },
    cache: { type: 'string', default: '.cache/gen' },
    json: { type: 'string' },
  },
});
const seeds = values.seeds.split(',').map(Number);
const budgets = values.steps.split(',').map(Number);
const losses = values.losses === 'all' ? [...LOSS_NAMES] : values.losses.split(',').map(checkLoss);
const cache = resolve(values.cache);

const started = Date.now();
const results = new Map<string, MethodReport>();
const key = (seed: number, steps: number, loss: string): string => `${seed}/${steps}/${loss}`;
// Smallest budget first over every seed: a run cut short still has one complete table.
for (const steps of budgets) {
  for (const loss of losses) {
    for (const seed of seeds) {
      const file = join(cache, 'losses', `seed-${seed}`, `steps-${steps}`, `${loss}.json`);
      if (!existsSync(file)) {
        const t0 = Date.now();
        const job = localJob(new AbortController().signal, () => {});
        const r = await evaluate({ corpus: join(cache, `corpus-${seed}`), losses: [loss], steps, split: 'test', positives: 'mood', provider: 'cpu' }, {}, job);
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, JSON.stringify({ ...r.losses[0], seconds: (Date.now() - t0) / 1000, pairs: r.pairs }, null, 2) + '\n');
        process.stderr.write(`${new Date().toISOString()} seed ${seed} steps ${steps} ${loss}: v→m R@10 ${r.losses[0].videoToMusic.recall10.toFixed(3)} (${((Date.now() - t0) / 1000).toFixed(0)} s; ${((Date.now() - started) / 60000).toFixed(1)} min in)\n`);
      }
      results.set(key(seed, steps, loss), JSON.parse(readFileSync(file, 'utf8')) as MethodReport);
    }
  }
}

const cell = (xs: number[], digits: number): string => {
  const { mean, sd } = meanSd(xs);
  return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
};
const perSeed = (steps: number, loss: string): MethodReport[] => seeds.map((s) => results.get(key(s, steps, loss)) as MethodReport);
const meanR10 = (steps: number, loss: string): number => meanSd(perSeed(steps, loss).map((r) => r.videoToMusic.recall10)).mean;
const ranking = (steps: number): string[] => [...losses].sort((a, b) => meanR10(steps, b) - meanR10(steps, a));

const lines: string[] = [];
for (const steps of budgets) {
  const order = ranking(steps);
  lines.push(
    `### ${steps} steps (mean ± sd over seeds ${seeds.join(', ')}; ranked by mean v→m Recall@10)`,
    '',
    `| rank | loss | v→m R@10 | v→m median rank | m→v R@10 | m→v median rank | v→m R@10 per seed |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...order.map((loss, i) => {
      const rs = perSeed(steps, loss);
      return `| ${i + 1} | ${loss} | ${cell(rs.map((r) => r.videoToMusic.recall10), 3)} | ${cell(rs.map((r) => r.videoToMusic.medianRank), 1)} | ${cell(rs.map((r) => r.musicToVideo.recall10), 3)} | ${cell(rs.map((r) => r.musicToVideo.medianRank), 1)} | ${rs.map((r) => r.videoToMusic.recall10.toFixed(3)).join(' / ')} |`;
    }),
    '',
  );
}

/** Kendall's τ-a between two orderings of the same items. */
function kendallTau(a: string[], b: string[]): number {
  const pos = new Map(b.map((x, i) => [x, i]));
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) s += Math.sign((pos.get(a[j]) as number) - (pos.get(a[i]) as number));
  return s / ((a.length * (a.length - 1)) / 2);
}
for (let i = 1; i < budgets.length; i++) {
  lines.push(`Ranking ${budgets[i - 1]} → ${budgets[i]} steps: Kendall's τ = ${kendallTau(ranking(budgets[i - 1]), ranking(budgets[i])).toFixed(2)}; top 3 ${ranking(budgets[i - 1]).slice(0, 3).join(', ')} → ${ranking(budgets[i]).slice(0, 3).join(', ')}.`);
}
const last = budgets[budgets.length - 1];
const [first, second] = ranking(last);
const lead = (other: string): string => {
  const diffs = seeds.map((s) => (results.get(key(s, last, first)) as MethodReport).videoToMusic.recall10 - (results.get(key(s, last, other)) as MethodReport).videoToMusic.recall10);
  return `${cell(diffs, 3)} (per seed ${diffs.map((d) => d.toFixed(3)).join(' / ')})`;
};
if (second !== undefined) {
  lines.push(`At ${last} steps ${first} leads ${second} by ${lead(second)}${first !== 'infonce' && second !== 'infonce' && losses.includes('infonce') ? ` and infonce by ${lead('infonce')}` : ''} in v→m Recall@10.`);
}
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) writeFileSync(resolve(values.json), JSON.stringify({ seeds, budgets, losses, results: Object.fromEntries(results) }, null, 2) + '\n');
