/**
 * Indexing throughput: tracks per minute with --jobs 1 and --jobs 2 (scaling; goal ≥ 1.8 on two
 * cores), and against bare ffmpeg decoding of the same files at the same parallelism (the floor
 * no analysis can beat; goal: index ≥ 0.75× its throughput, ≤ 1.5× its CPU). Two libraries by
 * default, short clips and the 3–5 minute tracks users have: 64 × 30 s and 48 tracks of 180–300 s
 * mp3 (issue 17's own outside measurement was 48 three-minute tracks at --jobs 2). For one track
 * of each, where an index's CPU goes: the one-pass analysis (one ffmpeg: decode + input dump, and
 * the descriptors), within it reading the pipe and the descriptors' JS, ffprobe (no longer run for
 * ordinary files), the encoder, the content hash. The headline is the whole run, start-up
 * included. Each round also indexes the library's first half and subtracts it from the whole run:
 * what each track beyond the first half costs, the rate of a large library without the workers'
 * start-up and cold first tracks (a library of spread lengths repeats its lengths in both halves,
 * so the halves hold the same audio time).
 *
 * "Bare decode": one ffmpeg process per file (start-up included) decoding the file's first audio
 * stream to exactly the PCM the analyzer asks for (mono mean downmix, AUDIO_SPEC.sampleRate, f32)
 * and writing it to /dev/null: what getting the samples costs, with nothing read or analysed, as
 * a user decoding their files would run it. The indexer hands each worker batches of files that
 * one ffmpeg decodes together (its start-up paid once a batch); `--batch 1` measures it with one
 * ffmpeg per file as before. "Batched bare decode": the same batches (files from 2 MiB alone, as
 * the indexer), each decoded by one ffmpeg with an output per file into /dev/null, so the ratio
 * against it is what the analysis costs over getting the samples the way the index gets them.
 *
 * By default the bench measures the compiled engine, as the app and the `needledrop` bin run it
 * (scripts/build.ts: plain JS, workers in their own bundles): it compiles itself and the worker
 * modules into .cache/bench-index/ and runs that with node. `--source` measures the TypeScript
 * under tsx instead, whose transpiling every worker pays again at start-up and users never do.
 * `--rounds N` measures the bare decode and the index N times each, interleaved (decode, index,
 * decode, index, …, each index on a fresh catalog), and prints every round and the median with the
 * min–max of the ratios: the reference's CPU per track moves by a third from run to run on a shared
 * machine, and one slow or fast reference must not make or break the verdict.
 * Generated libraries are kept in the temp folder (needledrop-bench-libraries/) for the next run.
 * Run: npx tsx scripts/bench/index.ts [--seconds 30,180-300] [--tracks 64,48] [--jobs 1,2] [--rounds N] [--batch N] [--dir DIR] [--source]
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { openCatalog } from '../../electron/engine/catalog/db';
import { extractAudioFeatures } from '../../electron/engine/features/audio';
import { AUDIO_SPEC } from '../../electron/engine/features/spec';
import type { FeatureSeq } from '../../electron/engine/features/types';
import { analyzeTrack, analyzeTracks, SHARED_RUN_MAX_BYTES } from '../../electron/engine/library/audio-analyzer';
import { contentHash } from '../../electron/engine/library/content-hash';
import { BATCH_FILES, batchesOf, indexLibrary } from '../../electron/engine/library/indexer';
import { modelEmbedder } from '../../electron/engine/library/model-embedder';
import { findAudioFiles } from '../../electron/engine/library/scan';
import { decodeAudio } from '../../electron/engine/media/decode';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';
import { removeAbandonedParts } from './part-dirs';
import { probe } from '../../electron/engine/media/probe';
import { COMPILED } from '../../electron/engine/jobs/worker-entry';
import { num, parse } from '../cli/args';
import { usageError } from '../cli/errors';
import { medianRange } from './stats';

const run = promisify(execFile);

/**
 * CPU seconds used so far by this process (all threads) and its reaped children (ffmpeg), from
 * /proc (Linux; 100 ticks/s). Unlike wall time it does not depend on what else the machine runs.
 */
function cpuTimes(): { self: number; children: number } {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14–17 of the full line (utime, stime, cutime, cstime) are 11–14 after "pid (comm)".
    return { self: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
  } catch {
    return { self: NaN, children: NaN };
  }
}
const cpuSeconds = (): number => {
  const t = cpuTimes();
  return t.self + t.children;
};
const { values } = parse(
  process.argv.slice(2),
  { tracks: { type: 'string' }, seconds: { type: 'string' }, jobs: { type: 'string' }, batch: { type: 'string' }, rounds: { type: 'string' }, dir: { type: 'string' }, source: { type: 'boolean' } },
  false,
);

if (!COMPILED && !values.source) {
  // Compile the engine's workers and this bench as scripts/build.ts does, then run the result.
  const { build } = await import('../build');
  const root = join(import.meta.dirname, '..', '..');
  const out = join(root, '.cache', 'bench-index');
  await build(out);
  // This bench beside the workers (one folder below `out`, where workerModule() looks), packages external as there.
  const { build: esbuild } = await import('esbuild');
  await esbuild({ absWorkingDir: root, entryPoints: [{ in: 'scripts/bench/index.ts', out: 'bench/index' }], outdir: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', define: { __NEEDLEDROP_BUILD__: 'true' }, logLevel: 'warning' });
  const r = spawnSync(process.execPath, [join(out, 'bench', 'index.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const list = (v: string | undefined, name: string, fallback: number[], int: boolean): number[] =>
  v === undefined ? fallback : v.split(',').map((x) => num(x, name, { min: 1, int }) ?? 1);
/** A library's track lengths: one length (`240`) or a spread (`180-300`), seconds. */
type Lengths = { lo: number; hi: number };
function lengths(v: string | undefined): Lengths[] {
  if (v === undefined) return [{ lo: 30, hi: 30 }, { lo: 180, hi: 300 }];
  return v.split(',').map((item) => {
    const [lo, hi = lo] = item.split('-');
    const range = { lo: num(lo, 'seconds', { min: 1 }) ?? 1, hi: num(hi, 'seconds', { min: 1 }) ?? 1 };
    if (range.hi < range.lo) throw usageError(`--seconds: ${item} runs backwards (write LO-HI)`);
    return range;
  });
}
const LENGTHS = lengths(values.seconds);
const COUNTS = list(values.tracks, 'tracks', LENGTHS.map((l) => (l.hi <= 60 ? 64 : 48)), true);
if (COUNTS.length !== LENGTHS.length) throw usageError('--tracks needs one count per --seconds item');
const JOBS = list(values.jobs, 'jobs', [1, 2], true);
const BATCH = num(values.batch, 'batch', { min: 1, int: true }) ?? BATCH_FILES;
const ROUNDS = num(values.rounds, 'rounds', { min: 1, int: true }) ?? 1;

const work = join(tmpdir(), `needledrop-bench-index-${process.pid}`);
mkdirSync(work, { recursive: true });

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Track i's length: a spread from lo to hi over the first half of the library, repeated in the
 * second half, so the first half (indexed alone for the per-further-track figure) holds as much
 * audio as the rest. Within a half the lengths are shuffled (a stride coprime with its size), as
 * in a folder of real tracks: in length order the indexer's batches of consecutive files would
 * differ by nearly 2× and one worker would finish alone.
 */
function trackSeconds(i: number, tracks: number, { lo, hi }: Lengths): number {
  const half = Math.ceil(tracks / 2);
  let stride = Math.max(1, Math.round(half * 0.38));
  while (gcd(stride, half) !== 1) stride++;
  const j = ((i % half) * stride) % half;
  return half > 1 ? Math.round((lo + ((hi - lo) * j) / (half - 1)) * 10) / 10 : lo;
}

/**
 * The generated library (a beat and a chord per track), kept in the temp folder between runs: 48
 * long tracks take minutes of CPU to encode. Written into a fresh folder and renamed when whole.
 */
async function library(tracks: number, span: Lengths): Promise<string> {
  const dir = join(tmpdir(), 'needledrop-bench-libraries', `v2-${tracks}x${span.lo}-${span.hi}s`);
  if (existsSync(dir)) return dir;
  removeAbandonedParts(dir);
  const part = `${dir}.part-${process.pid}`;
  mkdirSync(part, { recursive: true });
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < tracks; i = next++) {
      // A beat (pulsed tone) plus a chord: decodes and analyses like music, not like silence.
      const bpm = 80 + 7 * i;
      const expr = `0.3*sin(2*PI*${110 + 11 * i}*t)*exp(-8*mod(t\\,${(60 / bpm).toFixed(4)}))+0.1*sin(2*PI*${220 + 5 * i}*t)+0.1*sin(2*PI*${330 + 7 * i}*t)`;
      const d = trackSeconds(i, tracks, span);
      await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:c=stereo:d=${d}`, '-b:a', '192k', join(part, `track${String(i).padStart(3, '0')}.mp3`)]);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, lane));
  renameSync(part, dir);
  return dir;
}

/** Output options for input k: the analyzer's PCM format (mono mean downmix, its rate, f32), thrown away. */
const pcmToNull = (k: number): string[] => ['-map', `${k}:a:0`, '-ac', '1', '-rematrix_maxval', '1', '-ar', String(AUDIO_SPEC.sampleRate), '-f', 'f32le', '-y', '/dev/null'];

/** The indexer's batches of `files` for `jobs` workers, split as analyzeTracks splits them: files from 2 MiB alone. */
function indexBatches(files: string[], jobs: number): string[][] {
  return batchesOf(files, Math.min(jobs, files.length), BATCH).flatMap((b) => {
    const small = b.filter((f) => statSync(f).size < SHARED_RUN_MAX_BYTES);
    return [...(small.length > 0 ? [small] : []), ...b.filter((f) => !small.includes(f)).map((f) => [f])];
  });
}

/** Decode each group of files with one ffmpeg (an output per file) and throw the PCM away, `jobs` ffmpegs at a time. */
async function bareDecode(groups: string[][], jobs: number): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < groups.length) {
      const g = groups[next++];
      await run(ffmpegPath(), ['-nostdin', '-v', 'error', ...g.flatMap((f) => ['-i', f]), ...g.flatMap((_, k) => pcmToNull(k))]);
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

async function index(dir: string, jobs: number, expected: number | null): Promise<{ wall: number; cpu: number }> {
  const dbPath = join(work, `catalog-j${jobs}.sqlite`);
  rmSync(dbPath, { force: true });
  const db = openCatalog(dbPath);
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const r = await indexLibrary(db, [dir], { jobs, batch: BATCH });
  const s = { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
  db.close();
  if (expected !== null && r.indexed !== expected) throw new Error(`indexed ${r.indexed} of ${expected}: ${JSON.stringify(r.failed)}`);
  return s;
}

/** CPU seconds (this process, its children) of each stage of indexing one file, run in this process one after the other. */
async function stages(file: string, batch: string[]): Promise<string> {
  const measure = async (run: () => Promise<unknown>): Promise<{ self: number; children: number }> => {
    const a = cpuTimes();
    await run();
    const b = cpuTimes();
    return { self: b.self - a.self, children: b.children - a.children };
  };
  const info = await probe(file);
  // Warm the JIT first: a worker analyses many tracks, and only its first one runs cold.
  await analyzeTrack(file, new AbortController().signal);
  const probeCost = await measure(() => probe(file));
  const decodeCost = await measure(async () => {
    for await (const pcm of decodeAudio(file, { sampleRate: AUDIO_SPEC.sampleRate })) void pcm;
  });
  const featureCost = await measure(() => extractAudioFeatures(file, { info }));
  let seq: FeatureSeq | undefined;
  const analysisCost = await measure(async () => {
    seq = (await analyzeTrack(file, new AbortController().signal)).seq;
  });
  const { embedder } = await modelEmbedder();
  const embedCost = embedder && seq ? await measure(() => embedder.embed(seq!)) : null;
  const hashCost = await measure(() => contentHash(file, statSync(file).size));
  const batchCost = batch.length > 1 ? await measure(() => analyzeTracks(batch, new AbortController().signal)) : null;
  const ffmpeg = decodeCost.children;
  const x = (c: number): string => `${c.toFixed(2)} (${(c / ffmpeg).toFixed(2)}×)`;
  return [
    `the analyzer (one ffmpeg + descriptors) ${x(analysisCost.self + analysisCost.children)}`,
    ...(batchCost ? [`the same ${batch.length} at once through the batch analyzer (one ffmpeg for those under 2 MiB), per track ${x((batchCost.self + batchCost.children) / batch.length)}`] : []),
    `ffprobe (odd files only) ${x(probeCost.self + probeCost.children)}`,
    `ffmpeg decode ${x(ffmpeg)} + reading its pipe ${x(decodeCost.self)}`,
    `descriptors (decode included) ${x(featureCost.self + featureCost.children)} of which JS ${x(featureCost.self - decodeCost.self)} beyond the pipe`,
    `encoder ${embedCost ? x(embedCost.self) : 'no model'}`,
    `content hash ${x(hashCost.self)}`,
  ].join(', ');
}

try {
  console.log(`engine: ${COMPILED ? 'compiled (as the app and the needledrop bin run it)' : 'TypeScript source under tsx (--source)'}`);
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // Generated before anything is measured (encoding 48 long tracks is minutes of CPU; kept for the next run).
  const libraries: Array<{ dir: string; label: string; tracks: number | null }> = values.dir ? [{ dir: values.dir, label: `from ${values.dir}`, tracks: null }] : [];
  for (const [i, span] of values.dir ? [] : LENGTHS.entries()) {
    const tracks = COUNTS[i];
    const mean = Array.from({ length: tracks }, (_, k) => trackSeconds(k, tracks, span)).reduce((x, y) => x + y, 0) / tracks;
    const label = span.lo === span.hi ? `× ${span.lo} s mp3 (generated)` : `of ${span.lo}–${span.hi} s mp3 (generated, ${mean.toFixed(0)} s on average)`;
    libraries.push({ dir: await library(tracks, span), label, tracks });
  }
  for (const [k, lib] of libraries.entries()) {
    const files = (await findAudioFiles([lib.dir])).map((e) => e.path);
    const perMin = (s: number): number => (files.length / s) * 60;
    console.log(`\nlibrary: ${files.length} tracks ${lib.label}`);
    const alone = files.map((f) => [f]);
    await bareDecode(alone.slice(0, 2), 1); // warm the page cache and ffmpeg's binary
    console.log(`  CPU-s of one track by stage (× its bare ffmpeg decode): ${await stages(files[0], BATCH > 1 ? files.slice(0, BATCH) : [])}`);
    console.log(`  index: batches of up to ${BATCH} files per ffmpeg${BATCH === 1 ? ' (one ffmpeg per file)' : ''}; bare decode: one ffmpeg per file, as a user runs it${BATCH > 1 ? '; batched bare decode: the same batches' : ''}`);
    // A run over an empty folder starts one worker and analyses nothing: the fixed cost each worker
    // adds to a run (module loading, under tsx its transpiling, the ONNX session), which a large
    // library spreads over thousands of tracks and these short runs over a few.
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    const startup = (await index(empty, 1, 0)).cpu;
    console.log(`  start-up of a run with one worker: ${startup.toFixed(2)} CPU-s`);
    // The library's first half, indexed in every round after the whole: the difference is what the
    // tracks beyond it cost, with the workers' start-up and cold first tracks in both runs.
    const first = files.length >= 4 ? files.slice(0, Math.floor(files.length / 2)) : [];
    const half = join(work, `half-${k}`);
    mkdirSync(half, { recursive: true });
    first.forEach((f, i) => linkSync(f, join(half, `${String(i).padStart(4, '0')}${extname(f)}`)));
    const further = files.length - first.length;
    type Cost = { wall: number; cpu: number };
    type Spread = ReturnType<typeof medianRange>;
    const rows: Array<{ jobs: number; index: Cost; decode: Cost }> = [];
    for (const jobs of JOBS) {
      // Files from 2 MiB decode alone, and a small library is cut into at least four batches a
      // worker: where every batch is one file, the batched decode would be the bare decode again.
      const groups = indexBatches(files, jobs);
      const batching = BATCH > 1 && groups.some((g) => g.length > 1);
      if (BATCH > 1 && !batching) console.log(`  --jobs ${jobs}: the index decodes every file alone here, so the batched bare decode is the bare decode (not run twice)`);
      const rounds: Array<{ index: Cost; decode: Cost; batched: Cost | null; extra: number | null }> = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // Interleaved, so the reference and the index see the same moments of the machine's load.
        const decode = await bareDecode(alone, jobs);
        const batched = batching ? await bareDecode(groups, jobs) : null;
        const idx = await index(lib.dir, jobs, lib.tracks);
        const part = first.length > 0 ? await index(half, jobs, lib.tracks === null ? null : first.length) : null;
        const extra = part ? (idx.cpu - part.cpu) / further : null;
        rounds.push({ index: idx, decode, batched, extra });
        const workers = Math.min(jobs, files.length);
        const steady = Math.max(0, idx.cpu - workers * startup);
        const decodePerTrack = decode.cpu / files.length;
        console.log(
          `  --jobs ${jobs}${ROUNDS > 1 ? ` round ${round}/${ROUNDS}` : ''}: index ${idx.wall.toFixed(1)} s = ${perMin(idx.wall).toFixed(1)} tracks/min (${(idx.cpu / files.length).toFixed(2)} CPU-s/track); ` +
            `bare ffmpeg decode ${decode.wall.toFixed(1)} s = ${perMin(decode.wall).toFixed(1)} tracks/min (${decodePerTrack.toFixed(2)} CPU-s/track); ` +
            `index/decode throughput ${(decode.wall / idx.wall).toFixed(3)} (goal ≥ 0.75), CPU ${(idx.cpu / decode.cpu).toFixed(2)}× (goal ≤ 1.5); ` +
            `without the workers' start-up ${(steady / files.length).toFixed(2)} CPU-s/track, ${(steady / decode.cpu).toFixed(2)}× the decode` +
            (extra !== null ? `; per track beyond the first ${first.length} (a large library's rate) ${extra.toFixed(2)} CPU-s, ${(extra / decodePerTrack).toFixed(2)}× the decode` : ''),
        );
        if (batched) {
          console.log(
            `    against a batched bare decode (the index's batches, one ffmpeg each) ${batched.wall.toFixed(1)} s = ${perMin(batched.wall).toFixed(1)} tracks/min (${(batched.cpu / files.length).toFixed(2)} CPU-s/track): ` +
              `index/decode throughput ${(batched.wall / idx.wall).toFixed(3)}, CPU ${(idx.cpu / batched.cpu).toFixed(2)}×, without the workers' start-up ${(steady / batched.cpu).toFixed(2)}× (what the analysis costs over getting the samples)`,
          );
        }
      }
      const mid = (pick: (r: (typeof rounds)[number]) => number): Spread => medianRange(rounds.map(pick));
      const at = (m: Spread, digits: number, unit = ''): string =>
        `${m.median.toFixed(digits)}${unit} (${m.min.toFixed(digits)}–${m.max.toFixed(digits)})`;
      if (ROUNDS > 1) {
        const batchedLine = batching ? `; against the batched decode: throughput ${at(mid((r) => r.batched!.wall / r.index.wall), 3)}, CPU ${at(mid((r) => r.index.cpu / r.batched!.cpu), 2, '×')}` : '';
        const furtherLine =
          first.length > 0 ? `; per track beyond the first ${first.length}: ${at(mid((r) => r.extra!), 2)} CPU-s, ${at(mid((r) => r.extra! / (r.decode.cpu / files.length)), 2, '×')} the decode` : '';
        console.log(
          `  --jobs ${jobs}, median of ${ROUNDS} rounds (min–max): index ${at(mid((r) => r.index.cpu / files.length), 2)} CPU-s/track, bare decode ${at(mid((r) => r.decode.cpu / files.length), 2)}; ` +
            `index/decode throughput ${at(mid((r) => r.decode.wall / r.index.wall), 3)} (goal ≥ 0.75), CPU ${at(mid((r) => r.index.cpu / r.decode.cpu), 2, '×')} (goal ≤ 1.5)${furtherLine}${batchedLine}`,
        );
      }
      // The scaling line below uses each side's median round.
      rows.push({ jobs, index: { wall: mid((r) => r.index.wall).median, cpu: mid((r) => r.index.cpu).median }, decode: { wall: mid((r) => r.decode.wall).median, cpu: mid((r) => r.decode.cpu).median } });
    }
    if (rows.length >= 2) {
      console.log(`  scaling --jobs ${rows[1].jobs} vs --jobs ${rows[0].jobs}: ${(rows[0].index.wall / rows[1].index.wall).toFixed(2)}×; bare decode ${(rows[0].decode.wall / rows[1].decode.wall).toFixed(2)}× (what this machine allows right now)`);
    }
  }
  console.log(`\nfinal load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes on the machine skew the wall times; CPU ratios do not depend on them)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
