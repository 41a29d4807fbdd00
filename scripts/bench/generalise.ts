/**
 * How the cross-modal model carries over to corpora from seeds nobody trained or tuned on, as the
 * gallery grows. One corpus per seed (default 500 pairs, cached under .cache/gen/corpus-SEED,
 * resumed if cut short); the gallery of size N is its first N pairs (nested subsets, so the sizes share queries
 * and differ only in how many distractors there are); every pair is a query, as in
 * `needledrop eval --split all`. Printed per gallery size: Recall@10 and median rank, video→music
 * and music→video, for each model (ONNX on onnxruntime-node, CPU), the hand-made descriptor
 * mapping, random and the oracle (true latents), as mean ± sd over the seeds, then the
 * model's v→m Recall@10 per seed beside 0.8 × the oracle's.
 *
 *   npx tsx scripts/bench/generalise.ts [--seeds 9001,9002,9003] [--sizes 32,64,120,250,500]
 *     [--pairs 500 | --pairs 500,250,250] [--models base,DIR…] [--cache .cache/gen] [--json FILE]
 *   npx tsx scripts/bench/generalise.ts --seeds 7 --corpus DIR --from 600 --sizes 64,120 --models base,DIR
 *     (a validation gallery: pairs 601… of an existing corpus, e.g. the training seed's pairs past
 *     those a candidate trained on; nothing is rendered)
 *   npx tsx scripts/bench/generalise.ts --seeds 9004 --pairs 250 --render-only [--jobs 1]
 *     (renders each seed's corpus and caches its descriptors, then stops: the corpora of
 *     scripts/bench/loss-table.ts; --jobs is the render parallelism, 2 unless given)
 *
 * --pairs is one size for every seed or one per seed; a gallery larger than a seed's corpus is
 * left out for that seed (the table says over how many seeds each row is). A model is a shipped
 * version name (models/NAME) or a path to a version folder.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModelVersion, type LoadedModel } from '../../electron/engine/models/version';
import { localJob } from '../../electron/engine/service';
import { loadCorpus, makeCorpus } from '../../electron/engine/service/training';
import type { Segments } from '../../electron/engine/encoders/segments';
import type { PairSample } from '../../electron/engine/train/dataset';
import { evaluateEmbedder, handMadeBaseline, oracleBaseline, randomBaseline, type DualEmbedder, type MethodReport } from '../../electron/engine/train/eval';
import { onnxEmbedder } from '../../electron/engine/train/export';
import { resolveModel } from '../../electron/engine/models/registry';
import { meanSd } from './stats';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '9001,9002,9003' },
    sizes: { type: 'string', default: '32,64,120,250,500' },
    // 500 for the first seed, 250 for the others: corpus generation and descriptors dominate the cost.
    pairs: { type: 'string', default: '500,250,250' },
    models: { type: 'string', default: 'base' },
    cache: { type: 'string', default: '.cache/gen' },
    json: { type: 'string' },
    corpus: { type: 'string' },
    from: { type: 'string', default: '0' },
    'render-only': { type: 'boolean', default: false },
    jobs: { type: 'string', default: '2' },
  },
});
const ints = (s: string, what: string): number[] =>
  s.split(',').map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${what}: "${x}" is not a whole number`);
    return n;
  });
const seeds = ints(values.seeds, 'seeds');
const pairList = ints(values.pairs, 'pairs');
if (values.corpus === undefined && pairList.length !== 1 && pairList.length !== seeds.length) throw new Error(`--pairs: give one size or one per seed (${seeds.length})`);
const pairsOf = (i: number): number => pairList[pairList.length === 1 ? 0 : i];
const sizes = ints(values.sizes, 'sizes').filter((n) => values.corpus !== undefined || n <= Math.max(...pairList));
const from = ints(values.from, 'from')[0];
const modelArgs = values.models.split(',');
const renderJobs = ints(values.jobs, 'jobs')[0];

async function openVersion(arg: string, spec: { video: string; audio: string }): Promise<LoadedModel> {
  // A bare name is a shipped/user version; anything with a slash is a version folder on disk.
  const dir = arg.includes('/') ? resolve(arg) : (await resolveModel(arg)).dir;
  return loadModelVersion(dir, { expectedSpec: spec });
}

/** Embeds each segment set once: the nested galleries reuse the vectors of the largest one. */
function memoised(inner: DualEmbedder): DualEmbedder {
  const cache = new Map<Segments, Promise<Float32Array>>();
  const once = (segs: Segments, f: (s: Segments) => Promise<Float32Array>): Promise<Float32Array> => {
    let hit = cache.get(segs);
    if (!hit) cache.set(segs, (hit = f(segs)));
    return hit;
  };
  return { dim: inner.dim, video: (s) => once(s, (x) => inner.video(x)), audio: (s) => once(s, (x) => inner.audio(x)) };
}

interface Row {
  seed: number;
  size: number;
  report: MethodReport;
}

const rows: Row[] = [];
const timings: Record<number, { corpus: number; features: number; embed: number }> = {};
const job = localJob(new AbortController().signal, (phase, done, total) => {
  if (done === total || done % 50 === 0) process.stderr.write(`  ${phase} ${done}/${total}\n`);
});
const modelNames: string[] = [];

for (const [i, seed] of seeds.entries()) {
  const pairs = pairsOf(i);
  const t0 = performance.now();
  process.stderr.write(`seed ${seed}: corpus of ${pairs} pairs\n`);
  const dir = values.corpus !== undefined ? resolve(values.corpus) : (await makeCorpus({ out: resolve(values.cache, `corpus-${seed}`), pairs, seed, jobs: renderJobs }, job)).dir;
  const t1 = performance.now();
  const data = await loadCorpus(dir, job, values.corpus !== undefined ? from + Math.max(...sizes) : undefined);
  const t2 = performance.now();
  if (values['render-only']) {
    // The corpus and its cached descriptors are all a loss-table worker needs.
    process.stderr.write(`seed ${seed}: ${data.pairs.length} pairs rendered in ${((t1 - t0) / 1000).toFixed(0)} s, descriptors in ${((t2 - t1) / 1000).toFixed(0)} s\n`);
    continue;
  }
  const items: PairSample[] = data.pairs.slice(from);
  for (const arg of modelArgs) {
    const model = await openVersion(arg, data.spec);
    // Candidates trained for base all call themselves base: a folder is named by its path.
    const name = `${arg.includes('/') ? arg : model.manifest.version} (${model.manifest.loss})`;
    if (!modelNames.includes(name)) modelNames.push(name);
    const onnx = await onnxEmbedder(model, 'cpu');
    try {
      const embedder = memoised(onnx);
      // Largest first: every smaller gallery then reads its vectors from the cache.
      for (const size of sizes.filter((n) => n <= items.length).sort((a, b) => b - a)) {
        rows.push({ seed, size, report: { ...(await evaluateEmbedder(name, items.slice(0, size), embedder)), method: name } });
      }
    } finally {
      await onnx.close();
    }
  }
  for (const size of sizes.filter((n) => n <= items.length)) {
    const sub = items.slice(0, size);
    for (const report of [handMadeBaseline(sub), randomBaseline(sub, seed + size), oracleBaseline(sub)]) rows.push({ seed, size, report });
  }
  timings[seed] = { corpus: (t1 - t0) / 1000, features: (t2 - t1) / 1000, embed: (performance.now() - t2) / 1000 };
}

if (values['render-only']) process.exit(0);
const methods = [...modelNames, 'hand-made mapping', 'random', 'oracle (true latents)'];
const cell = (xs: number[], digits: number): string => {
  const { mean, sd } = meanSd(xs);
  return xs.length > 1 ? `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}` : mean.toFixed(digits);
};
const pick = (size: number, method: string): MethodReport[] => rows.filter((r) => r.size === size && r.report.method === method).map((r) => r.report);

const lines: string[] = [
  values.corpus !== undefined
    ? `${values.corpus}: galleries = pairs ${from + 1}… (the first N after ${from}); every pair a query.`
    : `Seeds ${seeds.join(', ')}; galleries = the first N pairs of each seed's corpus (${seeds.map((s, i) => `${s}: ${pairsOf(i)}`).join(', ')}); every pair a query; mean ± sd (n − 1) over the seeds whose corpus is that large.`,
  '',
  '| pairs | seeds | method | v→m R@10 | v→m median rank | m→v R@10 | m→v median rank |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const size of sizes) {
  for (const method of methods) {
    const rs = pick(size, method);
    if (!rs.length) continue;
    lines.push(
      `| ${size} | ${rs.length} | ${method} | ${cell(rs.map((r) => r.videoToMusic.recall10), 3)} | ${cell(rs.map((r) => r.videoToMusic.medianRank), 1)} | ${cell(rs.map((r) => r.musicToVideo.recall10), 3)} | ${cell(rs.map((r) => r.musicToVideo.medianRank), 1)} |`,
    );
  }
}
lines.push('', `| pairs | model | ${seeds.map((s) => `v→m R@10 seed ${s}`).join(' | ')} | every seed ≥ 0.8 × oracle |`, `|${' --- |'.repeat(seeds.length + 3)}`);
for (const size of sizes) {
  for (const method of modelNames) {
    const per = seeds.map((seed) => {
      const m = rows.find((r) => r.seed === seed && r.size === size && r.report.method === method)?.report.videoToMusic.recall10;
      const o = rows.find((r) => r.seed === seed && r.size === size && r.report.method.startsWith('oracle'))?.report.videoToMusic.recall10;
      return m === undefined || o === undefined ? null : { m, ok: m >= 0.8 * o };
    });
    const known = per.filter((p) => p !== null);
    lines.push(`| ${size} | ${method} | ${per.map((p) => (p ? p.m.toFixed(3) : '–')).join(' | ')} | ${known.every((p) => p.ok) ? 'yes' : 'no'} |`);
  }
}
lines.push('', ...seeds.map((s) => `seed ${s}: corpus ${timings[s].corpus.toFixed(0)} s, descriptors ${timings[s].features.toFixed(0)} s, embedding + scoring ${timings[s].embed.toFixed(1)} s`));
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json) writeFileSync(resolve(values.json), JSON.stringify({ seeds, pairs: seeds.map((_, i) => pairsOf(i)), sizes, rows, timings }, null, 2) + '\n');
