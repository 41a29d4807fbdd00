/**
 * Match latency over 10k, 100k and 1M stored segments: random unit vectors grouped into
 * tracks of ~180 segments; each query clip is a noisy copy of a random window of one track
 * (the planted true track, cosine ≈ 0.6 per segment) with cuts every 2 s, tracks beat at
 * 120 BPM. Measures the Matcher's `auto` strategy (exact alignment of every track up to
 * SCAN_THRESHOLD, int8 scan shortlist above), per-stage CPU of the scan path (scan, full
 * alignment of the shortlist), the exact alignment of every track, and a plain nested-loop
 * scan in the same run (fewer queries at 1M); with --ann also the usearch HNSW strategy, its
 * index cached under os.tmpdir() (built once, then loaded). Prints p50/p95, CPU per query,
 * ratios, recall of the true track and offset, build times and memory.
 *
 * Large sizes (--store disk, the default from 2M segments) go through the on-disk segment
 * index instead: a child process generates the segments straight into the index folder (one
 * track in memory at a time) and quantises the scan codes; this process then opens the index
 * (timed: "open"), matches with rows read from disk, and compares with the exact alignment of
 * every track (recall@10 of the true track, and overlap of the top 10 with exact's). The folder
 * (under os.tmpdir(), keyed by size, dim and seed) is reused by later runs.
 * Run: npx tsx scripts/bench/search.ts [--sizes 10000,100000,1000000 | --segments 10000000] [--queries 40] [--clip 23]
 *      [--store memory|disk] [--index-dir DIR] [--scan-stride N] [--ann] [--stride 2] [--expansion-add 64]
 *      [--expansion-search 32] [--per-segment 16,32,64]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aligner } from '../../electron/engine/search/align';
import { topK as topSlots } from '../../electron/engine/search/kernels';
import { Matcher, type MatchStrategy } from '../../electron/engine/search/matcher';
import { SegmentScan } from '../../electron/engine/search/scan';
import { seededRandom } from '../../electron/engine/encoders/rng';
import { openSegmentIndex, readSegmentIndexMeta, writeSegmentIndex, type IndexTrack } from '../../electron/engine/search/segment-index';
import { normalizeInPlace, SegmentStore } from '../../electron/engine/search/segment-store';
import type { ClipQuery, AnnBuildProgress, TrackId, SearchTrackInfo } from '../../electron/engine/search/types';
import { num, parse } from '../cli/args';

const { values } = parse(
  process.argv.slice(2),
  {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    segments: { type: 'string' },
    store: { type: 'string' },
    'index-dir': { type: 'string' },
    'build-only': { type: 'boolean', default: false },
    queries: { type: 'string' },
    clip: { type: 'string' },
    dim: { type: 'string' },
    'naive-queries': { type: 'string' },
    'exact-queries': { type: 'string' },
    stride: { type: 'string' },
    'expansion-add': { type: 'string' },
    'expansion-search': { type: 'string' },
    seed: { type: 'string' },
    'scan-stride': { type: 'string' },
    ann: { type: 'boolean', default: false },
    'per-segment': { type: 'string', default: '16' },
  },
  false,
);
const sizes = (values.segments ?? values.sizes).split(',').map((s) => num(s, 'sizes', { min: 1000, int: true }) ?? 0);
if (values.store !== undefined && values.store !== 'memory' && values.store !== 'disk') throw new Error(`--store expects memory or disk, got "${values.store}"`);
/** Rows on disk from 2M segments up (8 GB of f32 at 2M would still fit, but that is where the RSS goal starts to bind). */
const onDisk = (segments: number): boolean => (values.store ?? (segments >= 2_000_000 ? 'disk' : 'memory')) === 'disk';
const queries = num(values.queries, 'queries', { min: 1, int: true }) ?? 40;
const m = num(values.clip, 'clip', { min: 1, int: true }) ?? 23; // a 30 s clip: 8 s windows at a 1 s hop
const d = num(values.dim, 'dim', { min: 1, int: true }) ?? 128;
const stride = num(values.stride, 'stride', { min: 1, int: true });
const expansionAdd = num(values['expansion-add'], 'expansion-add', { min: 1, int: true });
const expansionSearch = num(values['expansion-search'], 'expansion-search', { min: 1, int: true });

const seed = num(values.seed, 'seed', { int: true }) ?? 7;
const scanStride = num(values['scan-stride'], 'scan-stride', { min: 1, int: true });
let rand = seededRandom(seed);

/**
 * N(0, 1) samples fast enough for 10M × 128 values (~1.3 G): 65 536 quantiles of the normal
 * distribution looked up by 16 random bits of an xorshift32 state, two per step (Box–Muller
 * costs a log, a sqrt and a cos per pair: minutes at this size). Tails stop at ~4.3σ.
 */
const QUANTILES = (() => {
  // Inverse normal CDF by bisection on erf's complement, once at start-up.
  const erfc = (x: number): number => {
    const t = 1 / (1 + 0.5 * Math.abs(x));
    const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return x >= 0 ? y : 2 - y;
  };
  const cdf = (x: number): number => 1 - 0.5 * erfc(x / Math.SQRT2);
  return Float32Array.from({ length: 65_536 }, (_, i) => {
    const p = (i + 0.5) / 65_536;
    let [lo, hi] = [-8, 8];
    for (let k = 0; k < 60; k++) [lo, hi] = cdf((lo + hi) / 2) < p ? [(lo + hi) / 2, hi] : [lo, (lo + hi) / 2];
    return (lo + hi) / 2;
  });
})();
let xorshift = (Math.floor(rand() * 2 ** 32) | 1) >>> 0;

function gaussians(out: Float32Array): Float32Array {
  let x = xorshift;
  for (let i = 0; i < out.length; i += 2) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = QUANTILES[x & 0xffff];
    if (i + 1 < out.length) out[i + 1] = QUANTILES[(x >>> 16) & 0xffff];
  }
  xorshift = x >>> 0;
  return out;
}

function normalizeRows(a: Float32Array): Float32Array {
  for (let r = 0; r < a.length / d; r++) normalizeInPlace(a.subarray(r * d, (r + 1) * d));
  return a;
}

const beats = Array.from({ length: 600 }, (_, i) => i * 0.5);
const cuts = Array.from({ length: Math.floor(m / 2) }, (_, i) => 2 * (i + 1));

/** Random unit rows in tracks of 120–240 segments (1 s hop), one track at a time. */
function* syntheticTracks(segments: number): Generator<IndexTrack> {
  let id = 1;
  for (let rows = 0; rows < segments; id++) {
    const n = Math.min(segments - rows, 120 + Math.floor(rand() * 121));
    yield { id, embeddings: normalizeRows(gaussians(new Float32Array(n * d))), starts: Array.from({ length: n }, (_, i) => i) };
    rows += n;
  }
}

const benchInfo = (id: TrackId): SearchTrackInfo => ({
  summary: { duration: 187, bpm: 120, beats, key: 'C', mode: 'major', energy: (id % 97) / 97 },
  mood: { brightness: (id % 89) / 89 },
});

function buildStore(segments: number): SegmentStore {
  const store = new SegmentStore(d);
  for (const t of syntheticTracks(segments)) store.addTrack({ ...t, ...benchInfo(t.id) });
  return store;
}

interface Planted {
  clip: ClipQuery;
  trackId: TrackId;
  offset: number;
}

/** A noisy copy of m consecutive segments of a random track: per-segment cosine ≈ 0.6. */
function plant(store: SegmentStore): Planted {
  let slot: number;
  do slot = Math.floor(rand() * store.trackCount);
  while (store.rowCount(slot) < m);
  const start = Math.floor(rand() * (store.rowCount(slot) - m + 1));
  const rows = new Float32Array(m * d);
  store.readRows(store.firstRow(slot) + start, m, rows);
  const embeddings = gaussians(new Float32Array(m * d));
  const sigma = 1.33 / Math.sqrt(d);
  for (let i = 0; i < embeddings.length; i++) embeddings[i] = rows[i] + sigma * embeddings[i];
  return { clip: { embeddings: normalizeRows(embeddings), cuts }, trackId: store.idAt(slot), offset: start };
}

/** The plain way: every track, every window start, every clip segment, a fresh dot loop. */
function nestedLoop(store: SegmentStore, clip: Float32Array): { trackId: TrackId; score: number; offset: number }[] {
  const rows = store.rows();
  const out: { trackId: TrackId; score: number; offset: number }[] = [];
  for (let slot = 0; slot < store.trackCount; slot++) {
    const first = store.firstRow(slot);
    const n = store.rowCount(slot);
    let best = -Infinity;
    let bestJ = 0;
    for (let j = 0; j <= Math.max(0, n - m); j++) {
      let s = 0;
      for (let i = 0; i < m && j + i < n; i++) {
        for (let x = 0; x < d; x++) s += clip[i * d + x] * rows[(first + j + i) * d + x];
      }
      if (s / m > best) [best, bestJ] = [s / m, j];
    }
    out.push({ trackId: store.idAt(slot), score: best, offset: store.startsAt(slot)[bestJ] });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, 10);
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

interface Timing {
  p50: number;
  p95: number;
  /** CPU time (all threads) per query, p50: what the query costs when the machine is shared. */
  cpuP50: number;
  top1: number;
  top10: number;
  offsetOk: number;
  n: number;
}

async function time(planted: Planted[], run: (p: Planted) => Promise<{ trackId: TrackId; offset: number }[]>): Promise<Timing> {
  const ms: number[] = [];
  const cpu: number[] = [];
  let top1 = 0;
  let top10 = 0;
  let offsetOk = 0;
  for (const p of planted) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const results = await run(p);
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    const rank = results.findIndex((r) => r.trackId === p.trackId);
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 10) top10++;
    // The beat term may nudge the offset by < 0.5 s; the window itself must be the planted one.
    if (rank >= 0 && Math.abs(results[rank].offset - p.offset) < 0.5) offsetOk++;
  }
  const n = planted.length;
  return { p50: pct(ms, 0.5), p95: pct(ms, 0.95), cpuP50: pct(cpu, 0.5), top1: top1 / n, top10: top10 / n, offsetOk: offsetOk / n, n };
}

const fmt = (t: Timing): string =>
  `p50 ${t.p50.toFixed(1)} ms  p95 ${t.p95.toFixed(1)} ms  cpu p50 ${t.cpuP50.toFixed(1)} ms  top1 ${(100 * t.top1).toFixed(0)}%  top10 ${(100 * t.top10).toFixed(0)}%  offset ${(100 * t.offsetOk).toFixed(0)}%  (${t.n} q)`;

/** CPU per query (p50) of the scan path's two stages, run directly: the int8 scan and the full alignment of its 50 best tracks. */
async function stages(store: SegmentStore, planted: Planted[], opened?: SegmentScan): Promise<string> {
  const scan = opened ?? new SegmentScan(d, { stride: scanStride });
  await scan.sync(store);
  const aligner = new Aligner(d);
  const cpuMs = (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const scanMs: number[] = [];
  const alignMs: number[] = [];
  for (const p of planted) {
    const c0 = cpuMs();
    const slots = topSlots(await scan.scores(store, p.clip.embeddings, m), 50);
    const c1 = cpuMs();
    await aligner.alignRuns(p.clip.embeddings, m, store, slots.map((slot) => ({ first: store.firstRow(slot), count: store.rowCount(slot) })));
    scanMs.push(c1 - c0);
    alignMs.push(cpuMs() - c1);
  }
  const stride = scan.stride;
  if (!opened) await scan.release();
  await aligner.release();
  return `int8 scan (stride ${stride}) + top 50 ${pct(scanMs, 0.5).toFixed(1)} ms, full alignment of 50 tracks ${pct(alignMs, 0.5).toFixed(1)} ms`;
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const indexDir = (segments: number): string => values['index-dir'] ?? join(tmpdir(), `needledrop-bench-index-${segments}-d${d}-seed${seed}`);
const indexKey = (segments: number): string => `bench ${segments} segments, d ${d}, seed ${seed}, scan stride ${scanStride ?? 'auto'}, generator 2`;

/** Build the on-disk index for `segments` (in this process: run as a child, so the measuring process starts clean). */
async function buildIndex(segments: number): Promise<void> {
  const t0 = performance.now();
  let last = 0;
  const meta = await writeSegmentIndex(indexDir(segments), indexKey(segments), d, syntheticTracks(segments), {
    stride: scanStride,
    onProgress: (p) => {
      if (performance.now() - last < 5000) return;
      last = performance.now();
      process.stderr.write(`  scan codes: ${p.done}/${p.total} rows, ${p.rate.toFixed(0)} rows/s\n`);
    },
  });
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(`  built ${meta.segments} segments in ${meta.tracks} tracks (generated, written and quantised) in ${((performance.now() - t0) / 1000).toFixed(1)} s, peak rss ${mb(rss)}`);
}

async function runOnDisk(segments: number): Promise<Record<string, unknown>> {
  const dir = indexDir(segments);
  console.log(`\n${segments} segments on disk (${dir})`);
  if (!readSegmentIndexMeta(dir, indexKey(segments))) {
    const argv = [...process.execArgv, process.argv[1], ...process.argv.slice(2).filter((a) => a !== '--build-only'), '--build-only', '--segments', String(segments)];
    const child = spawnSync(process.execPath, argv, { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`building the index for ${segments} segments failed (exit ${child.status})`);
  }
  const t0 = performance.now();
  const opened = await openSegmentIndex(dir, indexKey(segments), benchInfo);
  if (!opened) throw new Error(`${dir}: no index after building it`);
  const openSeconds = (performance.now() - t0) / 1000;
  const { store, scan, meta } = opened;
  const afterOpen = process.memoryUsage();
  console.log(`  opened in ${openSeconds.toFixed(2)} s (load ${load()}): ${store.trackCount} tracks, scan stride ${meta.stride} (${scan.size} kept rows); rss ${mb(afterOpen.rss)}, typed arrays ${mb(afterOpen.arrayBuffers)}`);
  const matcher = new Matcher(store, { scanner: scan });
  const strategy = matcher.resolve('auto');
  // The library came from the seed's streams in the child; the queries' noise must not replay them.
  rand = seededRandom(seed + 1_000_003);
  xorshift = (Math.floor(rand() * 2 ** 32) | 1) >>> 0;
  const planted = Array.from({ length: queries }, () => plant(store));
  const autoTop = new Map<Planted, TrackId[]>();
  const auto = await time(planted, async (p) => {
    const results = await matcher.match(p.clip, { topK: 10 });
    autoTop.set(p, results.map((r) => r.trackId));
    return results;
  });
  console.log(`  auto (${strategy}, rows from disk):  ${fmt(auto)}`);
  console.log(`  stages (cpu p50): ${await stages(store, planted, scan)}`);
  const afterQueries = process.memoryUsage().rss;
  const exactCount = num(values['exact-queries'], 'exact-queries', { min: 1, int: true }) ?? 3;
  const exactPlanted = planted.slice(0, exactCount);
  let overlap = 0;
  const exact = await time(exactPlanted, async (p) => {
    const results = await matcher.match(p.clip, { topK: 10, strategy: 'exact' });
    const fast = new Set(autoTop.get(p));
    overlap += results.filter((r) => fast.has(r.trackId)).length / results.length / exactPlanted.length;
    return results;
  });
  console.log(`  exact (all tracks, rows from disk):  ${fmt(exact)}`);
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(`  recall@10 of the true track: auto ${(100 * auto.top10).toFixed(0)}% (${auto.n} q), exact ${(100 * exact.top10).toFixed(0)}% (${exact.n} q); top-10 overlap of auto with exact ${(100 * overlap).toFixed(0)}%`);
  console.log(`  memory: rss ${mb(afterQueries)} after the auto queries, peak ${mb(peak)} (with exact's batches); load ${load()}`);
  console.log(`  goals: p95 < 100 ms ${auto.p95 < 100 ? 'met' : 'NOT met'}, rss < 2 GB ${afterQueries < 2 * 2 ** 30 ? 'met' : 'NOT met'}, open < 2 s ${openSeconds < 2 ? 'met' : 'NOT met'}`);
  await matcher.release();
  await opened.close();
  return { segments, tracks: store.trackCount, store: 'disk', strategy, stride: meta.stride, openSeconds, rssMB: Math.round(afterQueries / 2 ** 20), peakRssMB: Math.round(peak / 2 ** 20), auto, exact, overlap };
}

if (values['build-only']) {
  for (const segments of sizes) await buildIndex(segments);
  process.exit(0);
}

console.log(`search bench: d=${d}, clip ${m} segments, ${queries} queries, ${cpus().length} cores, load ${load()}`);
const summary: Record<string, unknown>[] = [];
for (const segments of sizes) {
  if (onDisk(segments)) {
    summary.push(await runOnDisk(segments));
    continue;
  }
  const heap0 = process.memoryUsage();
  let t0 = performance.now();
  const store = buildStore(segments);
  const genSeconds = (performance.now() - t0) / 1000;
  const annCache = join(tmpdir(), `needledrop-bench-ann-${segments}-d${d}-seed${seed}.usearch`);
  const matcher = new Matcher(store, { scan: { stride: scanStride }, ann: { stride, expansionAdd, expansionSearch, cache: { path: annCache, key: 'bench' } } });
  const strategy: MatchStrategy = matcher.resolve('auto');
  console.log(`\n${segments} segments in ${store.trackCount} tracks (generated in ${genSeconds.toFixed(1)} s): auto → ${strategy}`);
  let last = 0;
  const onProgress = (p: AnnBuildProgress): void => {
    if (performance.now() - last < 5000) return;
    last = performance.now();
    process.stderr.write(`  index ${p.done}/${p.total} rows, ${p.rate.toFixed(0)} rows/s, ETA ${p.etaSeconds.toFixed(0)} s\n`);
  };
  const builds: Record<string, number> = {};
  for (const s of [...(strategy === 'scan' ? ['scan' as const] : []), ...(values.ann ? ['ann' as const] : [])]) {
    t0 = performance.now();
    await matcher.prepare({ onProgress }, s);
    builds[s] = (performance.now() - t0) / 1000;
    const rows = s === 'ann' ? matcher.annSize : matcher.scanSize;
    const how = s === 'ann' ? `${matcher.annSource} (${annCache})` : 'built';
    console.log(`  ${s} index: ${how} in ${builds[s].toFixed(1)} s, ${rows} rows (${(rows / builds[s]).toFixed(0)} rows/s)`);
  }
  const buildSeconds = builds[strategy] ?? 0;
  const mem = process.memoryUsage();
  console.log(`  memory: rss ${mb(mem.rss)} (+${mb(mem.rss - heap0.rss)}), typed arrays ${mb(mem.arrayBuffers)}`);

  const planted = Array.from({ length: queries }, () => plant(store));
  const auto = await time(planted, (p) => matcher.match(p.clip, { topK: 10 }));
  console.log(`  auto (${strategy}):  ${fmt(auto)}`);
  if (strategy === 'scan') console.log(`  stages (cpu p50): ${await stages(store, planted)}`);
  // Several ANN fetch sizes can be compared on one index (the build is the slow part).
  const perSegments = values.ann ? values['per-segment'].split(',').map((v) => num(v, 'per-segment', { min: 1, int: true }) ?? 16) : [];
  const anns: Timing[] = [];
  for (const annPerSegment of perSegments) {
    const t = await time(planted, (p) => matcher.match(p.clip, { topK: 10, strategy: 'ann', annPerSegment }));
    console.log(`  ann (${annPerSegment} per segment):  ${fmt(t)}`);
    anns.push(t);
  }
  const fewExact = segments >= 1_000_000 ? 3 : segments >= 100_000 ? 10 : queries;
  const exactCount = num(values['exact-queries'], 'exact-queries', { min: 1, int: true }) ?? fewExact;
  const exact = strategy === 'exact' ? auto : await time(planted.slice(0, exactCount), (p) => matcher.match(p.clip, { topK: 10, strategy: 'exact' }));
  if (strategy !== 'exact') console.log(`  exact (all tracks):  ${fmt(exact)}`);
  const naiveCount = num(values['naive-queries'], 'naive-queries', { min: 1, int: true }) ?? fewExact;
  const naive = await time(planted.slice(0, naiveCount), (p) => Promise.resolve(nestedLoop(store, p.clip.embeddings)));
  console.log(`  nested loop:    ${fmt(naive)}`);
  console.log(`  ratio nested-loop p50 / auto p50: ${(naive.p50 / auto.p50).toFixed(1)}×; exact vs nested loop: ${(naive.p50 / exact.p50).toFixed(1)}×`);
  console.log(`  goal p95 < 50 ms: ${auto.p95 < 50 ? 'met' : 'NOT met'}`);
  summary.push({ segments, tracks: store.trackCount, strategy, buildSeconds, builds, rssMB: Math.round(mem.rss / 2 ** 20), auto, perSegments, anns, exact, naive });
}
console.log('\n' + JSON.stringify({ bench: 'search', d, clip: m, load: loadavg()[0], results: summary }));
