/**
 * Long run: match queries (clip embedding with the shipped model + ranking, as `match` does for an
 * analysed clip) while an indexer loops over the same catalog, rewriting one track each round so
 * every round really analyses and commits. The match session is reopened every --reload queries
 * (a fresh library snapshot, as the app does after indexing). Prints memory (RSS, heap) and
 * query latency p50/p95 after warm-up and at the end; goal: growth under 10 %.
 *
 * Run: npx tsx --expose-gc scripts/bench/soak.ts [--queries 10000] [--tracks 48] [--reload 1000] [--no-reindex]
 *   (node --expose-gc lets it collect garbage before each memory reading; without it RSS is noisier)
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { analyzeClip, type ClipAnalysis } from '../../electron/engine/app/clip';
import { matchAnalysis, openMatchSession, type MatchSession } from '../../electron/engine/app/match';
import { openCatalog } from '../../electron/engine/catalog/db';
import { DEFAULT_COMPONENTS } from '../../electron/engine/library/default-components';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';
import { errorMessage } from '../../electron/engine/util/error-message';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    queries: { type: 'string' },
    tracks: { type: 'string' },
    reload: { type: 'string' },
    'no-reindex': { type: 'boolean' },
    model: { type: 'string' },
  },
});
const QUERIES = Number(values.queries ?? 10_000);
const TRACKS = Number(values.tracks ?? 48);
const RELOAD = Number(values.reload ?? 1000);
const MODEL = values.model ?? 'base';
const WARMUP = Math.min(1000, Math.floor(QUERIES / 10));
const WINDOW = Math.min(1000, Math.floor(QUERIES / 5));

const dir = mkdtempSync(join(tmpdir(), 'needledrop-soak-'));
const lib = join(dir, 'library');
mkdirSync(lib);

/** A 20 s track: a pulse at `bpm` under a two-note chord; `variant` changes the content (for rewrites). */
async function track(i: number, variant = 0): Promise<void> {
  const bpm = 70 + ((7 * i + 13 * variant) % 90);
  const f = 110 + 13 * i + 3 * variant;
  const expr = `0.3*sin(2*PI*${f}*t)*exp(-6*mod(t\\,${(60 / bpm).toFixed(4)}))+0.1*sin(2*PI*${f * 2}*t)+0.08*sin(2*PI*${f * 3}*t)`;
  await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=22050:d=20`, '-c:a', 'libvorbis', join(lib, `t${String(i).padStart(3, '0')}.ogg`)]);
}

async function clip(name: string, src: string): Promise<string> {
  const out = join(dir, name);
  await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', src, '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', out]);
  return out;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const gc = (globalThis as { gc?: () => void }).gc;
function memory(): { rss: number; heap: number } {
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

const t0 = performance.now();
for (let i = 0; i < TRACKS; i++) await track(i);
const clips: ClipAnalysis[] = [];
for (const [name, src] of [
  ['calm.mp4', 'testsrc2=s=320x180:r=24'],
  ['busy.mp4', 'mandelbrot=s=320x180:r=24'],
  ['bars.mp4', 'smptebars=s=320x180:r=24'],
]) {
  clips.push(await analyzeClip(await clip(name, src)));
}
const dbPath = join(dir, 'catalog.sqlite');
const indexDb = openCatalog(dbPath);
const components = { ...DEFAULT_COMPONENTS, options: { model: MODEL } };
const first = await indexLibrary(indexDb, [lib], { jobs: 1, components });
process.stderr.write(`soak: ${first.indexed} tracks indexed, 3 clips analysed in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${QUERIES} queries\n`);

// The re-indexing loop: rewrite one track, index, repeat, until the queries are done.
let stop = false;
let rounds = 0;
let reindexed = 0;
const reindex = (async () => {
  if (values['no-reindex']) return;
  while (!stop) {
    await track(rounds % TRACKS, rounds + 1);
    const r = await indexLibrary(indexDb, [lib], { jobs: 1, components });
    reindexed += r.indexed;
    rounds++;
  }
})();

const queryDb = openCatalog(dbPath);
let session: MatchSession = await openMatchSession(queryDb, { version: MODEL });
const latencies: number[] = [];
let warm = { rss: 0, heap: 0 };
let failures = 0;
const tq = performance.now();
for (let q = 0; q < QUERIES; q++) {
  if (q > 0 && q % RELOAD === 0) {
    await session.close();
    session = await openMatchSession(queryDb, { version: MODEL });
  }
  if (q === WARMUP) warm = memory();
  const t = performance.now();
  try {
    const m = await matchAnalysis(session, clips[q % clips.length], { topK: 10 });
    if (m.results.length === 0 || !m.results.every((r) => Number.isFinite(r.score))) failures++;
  } catch (err) {
    failures++;
    if (failures <= 3) process.stderr.write(`soak: query ${q} failed: ${errorMessage(err)}\n`);
  }
  latencies.push(performance.now() - t);
  if ((q + 1) % 1000 === 0) process.stderr.write(`soak: ${q + 1} queries, ${rounds} re-index rounds\n`);
  // Let the indexer's commits interleave with the queries, as two jobs in one engine would.
  if (q % 10 === 0) await new Promise((r) => setImmediate(r));
}
const queryWall = (performance.now() - tq) / 1000;
const end = memory();
stop = true;
await reindex;
await session.close();
queryDb.close();
indexDb.close();

const early = latencies.slice(WARMUP, WARMUP + WINDOW);
const late = latencies.slice(-WINDOW);
const growth = (a: number, b: number): string => `${(((b - a) / a) * 100).toFixed(1)} %`;
console.log('| measure | after warm-up | at the end | growth |\n| --- | --- | --- | --- |');
console.log(`| RSS (MiB) | ${warm.rss.toFixed(1)} | ${end.rss.toFixed(1)} | ${growth(warm.rss, end.rss)} |`);
console.log(`| JS heap used (MiB) | ${warm.heap.toFixed(1)} | ${end.heap.toFixed(1)} | ${growth(warm.heap, end.heap)} |`);
console.log(`| query p50 (ms) | ${pct(early, 0.5).toFixed(1)} | ${pct(late, 0.5).toFixed(1)} | ${growth(pct(early, 0.5), pct(late, 0.5))} |`);
console.log(`| query p95 (ms) | ${pct(early, 0.95).toFixed(1)} | ${pct(late, 0.95).toFixed(1)} | ${growth(pct(early, 0.95), pct(late, 0.95))} |`);
console.log(
  `\n${QUERIES} queries in ${queryWall.toFixed(0)} s (${TRACKS} tracks, session reopened every ${RELOAD}), failed ${failures}; ` +
    `${rounds} re-index rounds meanwhile (${reindexed} tracks re-analysed); warm-up ${WARMUP}, windows of ${WINDOW}; ` +
    `gc ${gc ? 'forced before readings' : 'not exposed'}; load average ${loadavg()[0].toFixed(1)}`,
);
rmSync(dir, { recursive: true, force: true });
