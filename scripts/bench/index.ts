/**
 * Indexing throughput: tracks per minute with --jobs 1 and --jobs 2 (scaling; goal ≥ 1.8 on two
 * cores), and against bare ffmpeg decoding of the same files at the same parallelism (the floor
 * no analysis can beat). Run: npx tsx scripts/bench/index.ts [--tracks N] [--seconds S] [--dir DIR]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openCatalog } from '../../electron/engine/catalog/db';
import { AUDIO_SPEC } from '../../electron/engine/features/spec';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { findAudioFiles } from '../../electron/engine/library/scan';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';
import { num, parse } from '../cli/args';

const run = promisify(execFile);

/**
 * CPU seconds used so far by this process (all threads) and its reaped children (ffmpeg), from
 * /proc (Linux; 100 ticks/s). Unlike wall time it does not depend on what else the machine runs.
 */
function cpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14–17 of the full line (utime, stime, cutime, cstime) are 11–14 after "pid (comm)".
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}
const { values } = parse(process.argv.slice(2), { tracks: { type: 'string' }, seconds: { type: 'string' }, dir: { type: 'string' } }, false);
const TRACKS = num(values.tracks, 'tracks', { min: 2, int: true }) ?? 64;
const SECONDS = num(values.seconds, 'seconds', { min: 1 }) ?? 30;

const work = join(tmpdir(), `needledrop-bench-index-${process.pid}`);
mkdirSync(work, { recursive: true });

async function makeLibrary(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < TRACKS; i++) {
    // A beat (pulsed tone) plus a chord: decodes and analyses like music, not like silence.
    const bpm = 80 + 7 * i;
    const expr = `0.3*sin(2*PI*${110 + 11 * i}*t)*exp(-8*mod(t\\,${(60 / bpm).toFixed(4)}))+0.1*sin(2*PI*${220 + 5 * i}*t)+0.1*sin(2*PI*${330 + 7 * i}*t)`;
    await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${expr}':s=44100:c=stereo:d=${SECONDS}`, '-b:a', '192k', join(dir, `track${String(i).padStart(3, '0')}.mp3`)]);
  }
}

/** Decode every file to the analyzer's PCM format and throw it away, `jobs` ffmpegs at a time. */
async function bareDecode(files: string[], jobs: number): Promise<{ wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++];
      await run(ffmpegPath(), ['-nostdin', '-v', 'error', '-i', f, '-map', '0:a:0', '-ac', '1', '-ar', String(AUDIO_SPEC.sampleRate), '-f', 'f32le', '-y', '/dev/null']);
    }
  };
  await Promise.all(Array.from({ length: jobs }, lane));
  return { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

async function index(dir: string, jobs: number): Promise<{ wall: number; cpu: number }> {
  const dbPath = join(work, `catalog-j${jobs}.sqlite`);
  rmSync(dbPath, { force: true });
  const db = openCatalog(dbPath);
  const t0 = performance.now();
  const c0 = cpuSeconds();
  const r = await indexLibrary(db, [dir], { jobs });
  const s = { wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
  db.close();
  if (r.indexed !== TRACKS && !values.dir) throw new Error(`indexed ${r.indexed} of ${TRACKS}: ${JSON.stringify(r.failed)}`);
  return s;
}

try {
  const dir = values.dir ?? join(work, 'library');
  if (!values.dir) await makeLibrary(dir);
  const files = (await findAudioFiles([dir])).map((e) => e.path);
  const perMin = (s: number): number => (files.length / s) * 60;
  console.log(`library: ${files.length} tracks${values.dir ? ` from ${dir}` : ` × ${SECONDS} s mp3 (generated)`}`);
  console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  await bareDecode(files.slice(0, 2), 1); // warm the page cache and ffmpeg's binary
  const rows: Array<{ jobs: number; index: { wall: number; cpu: number }; decode: { wall: number; cpu: number } }> = [];
  for (const jobs of [1, 2]) {
    const decode = await bareDecode(files, jobs);
    const idx = await index(dir, jobs);
    rows.push({ jobs, index: idx, decode });
    console.log(
      `--jobs ${jobs}: index ${idx.wall.toFixed(1)} s = ${perMin(idx.wall).toFixed(1)} tracks/min (${(idx.cpu / files.length).toFixed(2)} CPU-s/track); ` +
        `bare ffmpeg decode ${decode.wall.toFixed(1)} s = ${perMin(decode.wall).toFixed(1)} tracks/min (${(decode.cpu / files.length).toFixed(2)} CPU-s/track); ` +
        `index/decode throughput ${(decode.wall / idx.wall).toFixed(3)}`,
    );
  }
  console.log(`scaling --jobs 2 vs --jobs 1: ${(rows[0].index.wall / rows[1].index.wall).toFixed(2)}× (goal ≥ 1.8)`);
  console.log(`bare decode scaling: ${(rows[0].decode.wall / rows[1].decode.wall).toFixed(2)}× (what this machine allows right now)`);
  console.log(`CPU cost index/decode: ${(rows[0].index.cpu / rows[0].decode.cpu).toFixed(1)}× (load-independent)`);
  console.log(`final load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes on the machine skew these numbers)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
