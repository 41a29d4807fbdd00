/**
 * Round 4 of docs/eval-losses.md: each (corpus seed, budget, loss) trained exactly as in rounds
 * 1–3 (`needledrop eval --losses` settings: same encoder, batch 64, mood positives, validation-only
 * checkpoint choice; training seed 1 unless --train-seed), then scored on more held-out queries
 * than the corpus's own test split: that split as one gallery (round 3's number) plus the seed's
 * extra test set (scripts/bench/extra-test-set.ts) in galleries of 38. Every query's rank is
 * kept, and the result file has round 3's shape (videoToMusic / musicToVideo over all the
 * seed's queries, with the mean reciprocal rank beside Recall@K), so `loss-table.ts --report
 * --round4 --cache OUT` applies the decision rule to it. Runs are claimed as in loss-table.ts,
 * so several workers share one list; each run logs its seconds (load, train, scoring).
 *
 * With `--prefixes 180,360` (round 6) one run of --steps also scores what early stopping would
 * have kept had the same run ended at each prefix (the best validation up to it, trainer's
 * `onValidated`), written as `steps-PREFIX/LOSS.json` with `run: { steps, prefix: true }`; the
 * full run's file is written last, so its presence means every prefix is in. Every file records
 * the ffmpeg that resolved here (the corpora were rendered with it; review R18 of session 13).
 * Exits with status 3 when it trained nothing (every listed run done or claimed elsewhere).
 *
 *   nice -n 10 npx tsx scripts/bench/round4.ts --seeds 9002 --steps 360 --losses infonce
 *     [--prefixes 180] [--train-seed 1] [--gallery 38] [--cache .cache/gen] [--out .cache/gen/round4]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { useBackend } from '../../electron/engine/metric/backend';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';
import { localJob } from '../../electron/engine/service';
import { checkLoss, loadCorpus, LOSS_TABLE_WARMUP } from '../../electron/engine/service/training';
import { bySplit, type PairSample } from '../../electron/engine/train/dataset';
import { embedPairs, evaluateEmbedder, type DirectionReport, type DualEmbedder } from '../../electron/engine/train/eval';
import { tfEmbedder } from '../../electron/engine/train/export';
import { trainDualEncoder } from '../../electron/engine/train/trainer';
import { claimRun, releaseRun } from './claim';
import { checkPrefixes, evalEveryFor, prefixKeeper, resultAt } from './prefixes';
import { galleryBounds, galleryRanks, meanReciprocalRank, recallAt } from './query-ranks';
import { writeFileAtomic } from '../../electron/engine/util/atomic-write';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    steps: { type: 'string' },
    losses: { type: 'string' },
    prefixes: { type: 'string', default: '' },
    'train-seed': { type: 'string', default: '1' },
    gallery: { type: 'string', default: '38' },
    cache: { type: 'string', default: '.cache/gen' },
    out: { type: 'string', default: '.cache/gen/round4' },
  },
});
if (!values.seeds || !values.steps || !values.losses) throw new Error('--seeds, --steps and --losses are required');
const seeds = values.seeds.split(',').map(Number);
const budgets = values.steps.split(',').map(Number);
const losses = values.losses.split(',').map(checkLoss);
const prefixes = values.prefixes ? values.prefixes.split(',').map(Number) : [];
checkPrefixes(prefixes, budgets);
const trainSeed = Number(values['train-seed']);
const gallerySize = Number(values.gallery);
const cache = resolve(values.cache);
const out = resolve(values.out);

/** One gallery's pairs (by id) and every query's rank of its partner in it. */
interface ScoredGallery {
  source: 'test split' | 'extra';
  ids: string[];
  videoToMusic: number[];
  musicToVideo: number[];
}

/** Recall@K, median rank and mean reciprocal rank over every query of every gallery. */
function pooled(ranks: number[]): DirectionReport & { mrr: number; queries: number } {
  const s = [...ranks].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const recall1 = recallAt(ranks, 1);
  // With one relevant item per query MAP@R is precision at 1, as in the engine's report.
  return { recall1, recall5: recallAt(ranks, 5), recall10: recallAt(ranks, 10), medianRank: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, mapAtR: recall1, mrr: meanReciprocalRank(ranks), queries: ranks.length };
}

async function score(source: ScoredGallery['source'], items: PairSample[], embedder: DualEmbedder): Promise<ScoredGallery> {
  const { video, audio } = await embedPairs(items, embedder);
  return { source, ids: items.map((p) => p.id), ...galleryRanks(video, audio, embedder.dim) };
}

await useBackend('wasm');
const job = localJob(new AbortController().signal, () => {});
let trained = 0;
for (const steps of budgets) {
  for (const seed of seeds) {
    for (const loss of losses) {
      const name = trainSeed === 1 ? `${loss}.json` : `${loss}.train-seed-${trainSeed}.json`;
      const file = join(out, 'losses', `seed-${seed}`, `steps-${steps}`, name);
      if (existsSync(file) || !claimRun(file)) continue;
      if (existsSync(file)) {
        releaseRun(file);
        continue;
      }
      try {
        const extraDir = join(cache, `extra-${seed}`);
        if (!existsSync(join(extraDir, 'manifest.json'))) throw new Error(`${extraDir}: no extra test set for seed ${seed} (run scripts/bench/extra-test-set.ts --seeds ${seed})`);
        const t0 = performance.now();
        const data = await loadCorpus(join(cache, `corpus-${seed}`), job);
        const extra = await loadCorpus(extraDir, job);
        const t1 = performance.now();
        // What early stopping keeps if the run ended at each prefix: the best validation at or before it.
        const keeper = prefixKeeper(prefixes);
        const result = await trainDualEncoder(data, { loss, steps, warmup: LOSS_TABLE_WARMUP, seed: trainSeed, positives: 'mood', evalEvery: evalEveryFor(steps) }, { signal: job.signal, onValidated: keeper.onValidated });
        const t2 = performance.now();
        trained++;
        const ffmpeg = `${ffmpegPath()}: ${execFileSync(ffmpegPath(), ['-version'], { encoding: 'utf8' }).split('\n')[0]}`;
        for (const budget of [...prefixes, steps]) {
          const asRun = resultAt(result, keeper.kept, budget);
          const scoring = performance.now();
          const tf = tfEmbedder(asRun, data);
          let own;
          const galleries: ScoredGallery[] = [];
          try {
            const test = bySplit(data, 'test');
            own = await evaluateEmbedder(loss, test, tf);
            galleries.push(await score('test split', test, tf));
            for (const [a, b] of galleryBounds(extra.pairs.length, gallerySize)) galleries.push(await score('extra', extra.pairs.slice(a, b), tf));
          } finally {
            tf.dispose();
          }
          // The test-split gallery must reproduce the engine's own report (round 3's number).
          if (recallAt(galleries[0].videoToMusic, 10) !== own.videoToMusic.recall10) throw new Error(`seed ${seed} ${loss}: test-split ranks disagree with the engine's Recall@10`);
          const t3 = performance.now();
          // score is this budget's scoring alone; train is the whole run's (a prefix trains nothing of its own).
          const seconds = { load: (t1 - t0) / 1000, train: (t2 - t1) / 1000, score: (t3 - scoring) / 1000, total: (t2 - t0 + t3 - scoring) / 1000 };
          const report = {
            method: `${loss} (best step ${asRun.bestStep}, val R@10 ${asRun.bestValRecall10.toFixed(3)})`,
            videoToMusic: pooled(galleries.flatMap((g) => g.videoToMusic)),
            musicToVideo: pooled(galleries.flatMap((g) => g.musicToVideo)),
            testSplit: own,
            galleries,
            seed,
            steps: budget,
            trainSeed,
            // Descriptor versions: a run on other descriptors does not count (docs/eval-losses.md, round 4).
            spec: data.spec,
            bestStep: asRun.bestStep,
            ...(budget === steps ? {} : { run: { steps, prefix: true, evalEvery: result.config.evalEvery } }),
            ...(prefixes.length ? { ffmpeg } : {}),
            seconds,
          };
          const target = budget === steps ? file : join(out, 'losses', `seed-${seed}`, `steps-${budget}`, name);
          mkdirSync(dirname(target), { recursive: true });
          // Written whole or not at all (review F11): a kill mid-write must not leave a run that looks done.
          writeFileAtomic(target, JSON.stringify(report) + '\n');
          process.stderr.write(
            `${new Date().toISOString()} seed ${seed} steps ${budget}${budget === steps ? '' : ` (prefix of ${steps})`} ${loss} train seed ${trainSeed}: v→m R@10 ${report.videoToMusic.recall10.toFixed(3)} over ${report.videoToMusic.queries} queries (test split ${own.videoToMusic.recall10.toFixed(3)}); best step ${asRun.bestStep}; seconds load ${seconds.load.toFixed(0)}, train ${seconds.train.toFixed(0)}, score ${seconds.score.toFixed(1)}\n`,
          );
        }
      } finally {
        releaseRun(file);
      }
    }
  }
}
// Status 3: every listed run was done or claimed by another worker, so a worker waits instead of relaunching (review F10).
if (trained === 0) process.exit(3);
