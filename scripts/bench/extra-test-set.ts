/**
 * Round 4 of docs/eval-losses.md: extra held-out test pairs for a loss-table corpus, rendered once
 * per corpus seed and scored by every loss trained on that seed, so each run is measured on more
 * queries at no extra training cost. The pairs come after the corpus's own (new latents, new
 * media) and are drawn as its test pairs are (its held-out style and timbre half the time); no
 * run trains or validates on them. Written to CACHE/extra-SEED (a corpus folder of test pairs
 * only, with its descriptors cached); a cut-short render resumes.
 *
 *   nice -n 10 npx tsx scripts/bench/extra-test-set.ts --seeds 9002,9003 [--count 114] [--cache .cache/gen]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus as readManifest, MANIFEST_NAME, planExtraTestPairs, renderPair, type CorpusManifest } from '../../electron/engine/corpus';
import { pairComplete } from '../../electron/engine/corpus/render';
import { loadTrainingData } from '../../electron/engine/train/dataset';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    count: { type: 'string', default: '114' },
    cache: { type: 'string', default: '.cache/gen' },
  },
});
if (!values.seeds) throw new Error('--seeds is required (e.g. --seeds 9002,9003)');
const count = Number(values.count);
if (!Number.isInteger(count) || count < 2) throw new Error(`--count: "${values.count}" is not a whole number ≥ 2`);
const cache = resolve(values.cache);

for (const seed of values.seeds.split(',').map(Number)) {
  const corpus = join(cache, `corpus-${seed}`);
  const base = readManifest(corpus);
  const dir = join(cache, `extra-${seed}`);
  const manifest: CorpusManifest = { ...base, pairs: planExtraTestPairs(base, count) };
  const file = join(dir, MANIFEST_NAME);
  // A resumed render must be the same plan; anything else is a different set.
  if (existsSync(file) && readFileSync(file, 'utf8') !== JSON.stringify(manifest, null, 1) + '\n') throw new Error(`${file}: holds a different extra set (another --count or corpus); remove it or use another --cache`);
  mkdirSync(join(dir, 'video'), { recursive: true });
  mkdirSync(join(dir, 'music'), { recursive: true });
  writeFileSync(file, JSON.stringify(manifest, null, 1) + '\n');
  const t0 = performance.now();
  for (const pair of manifest.pairs) if (!pairComplete(pair, dir)) await renderPair(pair, manifest.options, dir);
  const t1 = performance.now();
  await loadTrainingData(dir, { jobs: 1 });
  const t2 = performance.now();
  process.stderr.write(`${new Date().toISOString()} extra-${seed}: ${count} test pairs rendered in ${((t1 - t0) / 1000).toFixed(0)} s, descriptors in ${((t2 - t1) / 1000).toFixed(0)} s\n`);
}
