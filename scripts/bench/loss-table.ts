/**
 * The per-loss table over several corpus seeds and step budgets: every loss of the metric core
 * trained the way `needledrop eval --losses` trains it (same encoder, batch 64, mood positives,
 * seed 1, validation-only checkpoint choice) on each seed's train split and scored on its test
 * split (held-out style and timbre). Printed per budget: v→m and m→v Recall@10 and median rank,
 * mean ± sd over the seeds, the rank of each loss and which losses it beats on every seed; then
 * how far the ranking moved between budgets (Spearman's ρ, Kendall's τ-b of the mean v→m
 * Recall@10), and the largest budget's winner's paired lead over every other loss.
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
import { kendallTauB, pairedDifference, spearman, type PairedDifference } from './rank-agreement';
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

const r10 = (steps: number, loss: string): number[] => perSeed(steps, loss).map((r) => r.videoToMusic.recall10);

const lines: string[] = [];
for (const steps of budgets) {
  const order = ranking(steps);
  // Which lower-ranked losses this one beats on every seed (paired), by their rank here.
  const beats = (loss: string): string => order.flatMap((other, j) => (other !== loss && pairedDifference(r10(steps, loss), r10(steps, other)).everySeed ? [String(j + 1)] : [])).join(', ') || '–';
  lines.push(
    `### ${steps} steps (mean ± sd over seeds ${seeds.join(', ')}; ranked by mean v→m Recall@10)`,
    '',
    `| rank | loss | v→m R@10 | v→m median rank | m→v R@10 | m→v median rank | v→m R@10 per seed | beats on every seed (ranks) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...order.map((loss, i) => {
      const rs = perSeed(steps, loss);
      return `| ${i + 1} | ${loss} | ${cell(rs.map((r) => r.videoToMusic.recall10), 3)} | ${cell(rs.map((r) => r.videoToMusic.medianRank), 1)} | ${cell(rs.map((r) => r.musicToVideo.recall10), 3)} | ${cell(rs.map((r) => r.musicToVideo.medianRank), 1)} | ${rs.map((r) => r.videoToMusic.recall10.toFixed(3)).join(' / ')} | ${beats(loss)} |`;
    }),
    '',
  );
}

// Has the ranking stopped moving: rank correlation of the losses' mean v→m R@10 between budgets.
for (let i = 1; i < budgets.length; i++) {
  const [a, b] = [budgets[i - 1], budgets[i]];
  const ma = losses.map((l) => meanR10(a, l));
  const mb = losses.map((l) => meanR10(b, l));
  lines.push(`Ranking ${a} → ${b} steps (${losses.length} losses): Spearman's ρ = ${spearman(ma, mb).toFixed(2)}, Kendall's τ-b = ${kendallTauB(ma, mb).toFixed(2)}; top 3 ${ranking(a).slice(0, 3).join(', ')} → ${ranking(b).slice(0, 3).join(', ')}.`);
}
lines.push('');

// The winner at the largest budget against every other loss, paired by seed.
const last = budgets[budgets.length - 1];
const order = ranking(last);
const winner = order[0];
const leads = order.slice(1).map((loss) => ({ loss, d: pairedDifference(r10(last, winner), r10(last, loss)) }));
const pm = (x: number): string => (x >= 0 ? '+' : '') + x.toFixed(3);
lines.push(
  `At ${last} steps, ${winner}'s lead in v→m Recall@10 (paired by seed; t over ${seeds.length - 1} degrees of freedom, * = |t| above the two-sided 5 % critical value):`,
  '',
  `| loss | ${winner} − loss, mean ± sd | per seed | on every seed | paired t |`,
  '| --- | --- | --- | --- | --- |',
  ...leads.map(({ loss, d }) => `| ${loss} | ${pm(d.mean)} ± ${d.sd.toFixed(3)} | ${d.perSeed.map(pm).join(' / ')} | ${d.everySeed ? 'yes' : 'no'} | ${d.t.toFixed(1)}${d.significant ? ' *' : ''} |`),
  '',
);
// With a handful of seeds a lead on every seed is the loose test and the paired t the strict one.
const names = (pred: (d: PairedDifference) => boolean): string => leads.filter(({ d }) => pred(d)).map(({ loss }) => loss).join(', ') || 'none';
lines.push(`${winner} beats on every seed: ${names((d) => d.everySeed)}; by a significant paired t: ${names((d) => d.significant)}.`);
const shipped = leads.find(({ loss }) => loss === 'infonce');
if (winner === 'infonce') lines.push("The shipped base's loss, infonce, leads.");
if (shipped) lines.push(`The shipped base's loss, infonce, trails by ${shipped.d.mean.toFixed(3)} ± ${shipped.d.sd.toFixed(3)} (${shipped.d.everySeed ? 'on every seed' : 'not on every seed'}; ${shipped.d.significant ? 'significant' : 'not significant'}).`);
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) writeFileSync(resolve(values.json), JSON.stringify({ seeds, budgets, losses, results: Object.fromEntries(results) }, null, 2) + '\n');
