/**
 * Cost of re-ranking the music space by library size (electron/engine/similarity/: neighbours.ts,
 * diffusion.ts, rerank.ts), stage by stage, on random profile-sized unit rows (700 dims) in
 * planted clusters, one thread. Each size runs in its own process, so its peak RSS is its own.
 *
 *   npx tsx scripts/bench/diffusion.ts [--sizes 500,2000,3000,10000] [--dim 700] [--noise 4]
 *     [--diffusion-max 3000] [--recall-sample 500] [--knn auto|exact|hnsw]
 *
 * Stages: neighbour lists (exact up to EXACT_NEIGHBOURS_MAX_TRACKS, HNSW above: its recall@5
 * against the exact lists of `--recall-sample` rows is printed), DBA from those lists, and the
 * diffusion space (graph, components, factorisation; only up to `--diffusion-max` tracks: its
 * rows are n × n). Printed per stage: wall seconds, CPU seconds (user + system: what the stage
 * costs on a quiet machine; wall grows with the load average, printed too) and the process's
 * peak RSS after it. `--noise 4` makes clusters overlap so the graph is one component of nearly
 * every track (the worst case for the factorisation; `--noise 1.3` splits it per cluster).
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { componentOrders, DEFAULT_DIFFUSION, diffusionEmbedding, graphEdges } from '../../electron/engine/similarity/diffusion';
import { EXACT_NEIGHBOURS_MAX_TRACKS, nearestNeighbours, type NeighbourLists } from '../../electron/engine/similarity/neighbours';
import { augmentByNeighbours, DEFAULT_NEIGHBOUR_AUGMENT } from '../../electron/engine/similarity/rerank';
import { dotRows, topK } from '../../electron/engine/search/kernels';
import { createRng } from '../../electron/engine/util/prng';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '500,2000,3000,10000' },
    dim: { type: 'string', default: '700' },
    noise: { type: 'string', default: '4' },
    'diffusion-max': { type: 'string', default: '3000' },
    'recall-sample': { type: 'string', default: '500' },
    knn: { type: 'string', default: 'auto' },
    one: { type: 'string' },
  },
});
const dim = Number(values.dim);
const noise = Number(values.noise);

function rows(n: number): Float32Array {
  const rng = createRng(7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  const clusters = Math.max(20, Math.round(n / 100));
  const centres = Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, gauss));
  const out = new Float32Array(n * dim);
  const v = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % clusters];
    let s = 0;
    for (let d = 0; d < dim; d++) s += (v[d] = c[d] + noise * gauss()) ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) out[i * dim + d] = v[d] * inv;
  }
  return out;
}

const mb = (): string => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

function stage<T>(label: string, run: () => T): T {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = run();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`  ${label.padEnd(34)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(8)} s wall ${((cpu.user + cpu.system) / 1e6).toFixed(2).padStart(8)} CPU-s   peak RSS ${mb()}\n`);
  return out;
}

/** Recall@k of `lists` against brute force on a sample of rows (the search's dot and top-k). */
function sampledRecall(data: Float32Array, n: number, lists: NeighbourLists, sample: number): number {
  const scores = new Float64Array(n);
  let hit = 0;
  let total = 0;
  for (let q = 0; q < sample; q++) {
    const i = Math.floor((q * n) / sample);
    for (let j = 0; j < n; j++) scores[j] = Math.fround(dotRows(data, i, data, j, dim));
    const mine = new Set(lists.ids.subarray(i * lists.k, (i + 1) * lists.k));
    for (const j of topK(scores, lists.k, (j) => j === i)) {
      total++;
      if (mine.has(j)) hit++;
    }
  }
  return hit / total;
}

function one(n: number): void {
  process.stdout.write(`${n} tracks × ${dim} dims (noise ${noise}, load average ${loadavg()[0].toFixed(1)}):\n`);
  const data = rows(n);
  const k = Math.max(DEFAULT_DIFFUSION.k, DEFAULT_NEIGHBOUR_AUGMENT.k);
  const method = values.knn === 'exact' || values.knn === 'hnsw' ? values.knn : n <= EXACT_NEIGHBOURS_MAX_TRACKS ? 'exact' : 'hnsw';
  const lists = stage(`neighbour lists (${method}, k ${k})`, () => nearestNeighbours(data, dim, k, { method }));
  if (lists.method === 'hnsw') {
    const sample = Math.min(n, Number(values['recall-sample']));
    process.stdout.write(`  HNSW recall@${k} vs exact (${sample} rows): ${sampledRecall(data, n, lists, sample).toFixed(4)}\n`);
  }
  stage('DBA from the lists', () => augmentByNeighbours(data, dim, DEFAULT_NEIGHBOUR_AUGMENT, lists));
  if (n > Number(values['diffusion-max'])) return;
  const sizes = stage('graph + components', () => componentOrders(graphEdges(data, dim, DEFAULT_DIFFUSION, lists)).map((c) => c.length));
  process.stdout.write(`  components: ${sizes.length}, largest ${Math.max(...sizes)}\n`);
  stage('diffusion (graph, factorise, rows)', () => diffusionEmbedding(data, dim, DEFAULT_DIFFUSION, lists));
  process.stdout.write(`  diffusion rows ${((n * n * 4) / 2 ** 20).toFixed(0)} MB\n`);
}

if (values.one) one(Number(values.one));
else {
  for (const n of values.sizes.split(',').map(Number)) {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', String(n), '--dim', values.dim, '--noise', values.noise, '--diffusion-max', values['diffusion-max'], '--recall-sample', values['recall-sample'], '--knn', values.knn];
    process.stdout.write(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 }));
  }
}
