/**
 * Fit speed and splice audibility. Speed on a generated 4-minute track (AAC, 44.1 kHz stereo):
 * analysis (decode + grid, once per track, not part of the goals), plan (splice scoring + the
 * DP; goal < 200 ms) and render (ffmpeg to WAV; goal > 50× real time) for targets shorter and
 * longer than the track. Audibility on the real recordings in ../shared/media/music: the measure
 * at the chosen splices of the rendered remixes against the same measure at each track's own bar
 * lines (raw, and relative to the track's median bar line).
 *
 *   npx tsx scripts/bench/fit.ts [--runs N] [--no-real]
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyseTrack, decodeTrack } from '../../electron/engine/fit/analyse';
import { spliceAudibility } from '../../electron/engine/fit/audibility';
import { planFit } from '../../electron/engine/fit/plan';
import { renderFit } from '../../electron/engine/fit/render';
import { isDownbeat, scoreSplices } from '../../electron/engine/fit/splices';
import type { TrackGrid } from '../../electron/engine/fit/types';
import { musicLike, sharedMediaDir, tempDir } from '../../tests/helpers/media';
import { median } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, 'no-real': { type: 'boolean' } } });
const runs = Math.max(1, Number(values.runs));

const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
const dist = (xs: number[]): string =>
  xs.length ? `n=${xs.length} q1 ${q(xs, 0.25).toFixed(2)} median ${median(xs).toFixed(2)} q3 ${q(xs, 0.75).toFixed(2)} max ${q(xs, 1).toFixed(2)}` : 'n=0';

/** CPU seconds of this process's finished children (ffmpeg), from /proc on Linux; NaN elsewhere. */
function childCpuSeconds(): number {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th, in clock ticks (100 Hz).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return NaN;
  }
}

function barLines(g: TrackGrid, pcm: Float32Array): number[] {
  return g.beats.filter((b, k) => isDownbeat(g, k) && b > 2 && b < g.end - 2).map((b) => spliceAudibility(pcm, b, 60 / g.bpm));
}

async function speed(dir: string): Promise<void> {
  process.stderr.write('generating a 4-minute track…\n');
  const track = await musicLike(dir, { seconds: 240, name: 'music-4min.m4a' });
  let t0 = performance.now();
  const g = await analyseTrack(track);
  const analysis = performance.now() - t0;
  console.log(`4-minute track: ${g.beats.length} beats at ${g.bpm} BPM, ${g.beatsPerBar}/4, ${g.hasEnding ? 'ending' : 'no ending'}; analysis ${(analysis / 1000).toFixed(2)} s`);
  // CPU time beside wall time: on a shared machine the wall clock mostly measures the others.
  console.log(`load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  console.log('| target s | score ms | DP ms | plan ms (goal < 200) | plan CPU ms | splices | render s | × real time (goal > 50) | render CPU s | × real time per CPU s |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const target of [30, 60, 120, 200, 360]) {
    const score: number[] = [];
    const dp: number[] = [];
    const render: number[] = [];
    const cpu: number[] = [];
    const renderCpu: number[] = [];
    let splices = 0;
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      t0 = performance.now();
      const cand = scoreSplices(g);
      score.push(performance.now() - t0);
      t0 = performance.now();
      const plan = planFit(g, cand, { target })!;
      dp.push(performance.now() - t0);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
      splices = plan.splices.length;
      t0 = performance.now();
      const k0 = childCpuSeconds();
      await renderFit(track, plan, { out: join(dir, 'remix.wav'), force: true });
      render.push((performance.now() - t0) / 1000);
      renderCpu.push(childCpuSeconds() - k0);
    }
    const plan = median(score) + median(dp);
    console.log(
      `| ${target} | ${median(score).toFixed(1)} | ${median(dp).toFixed(1)} | ${plan.toFixed(1)} | ${median(cpu).toFixed(0)} | ${splices} | ${median(render).toFixed(2)} | ${(target / median(render)).toFixed(0)}× | ${median(renderCpu).toFixed(2)} | ${(target / median(renderCpu)).toFixed(0)}× |`,
    );
  }
}

async function audibility(dir: string): Promise<void> {
  const media = await sharedMediaDir();
  if (!media) return void console.log('../shared/media absent: no audibility figures');
  const files = (await readdir(join(media, 'music'))).filter((f) => f.endsWith('.ogg'));
  const relSplices: number[] = [];
  const relBars: number[] = [];
  console.log('\n| track | bar lines (raw) | splices (raw) |');
  console.log('| --- | --- | --- |');
  for (const f of files) {
    const track = join(media, 'music', f);
    let g: TrackGrid;
    try {
      g = await analyseTrack(track);
    } catch {
      console.log(`| ${f} | no steady beat: not fitted | |`);
      continue;
    }
    const src = await decodeTrack(track);
    const own = barLines(g, src);
    const cand = scoreSplices(g);
    const sp: number[] = [];
    for (const k of [0.35, 0.55, 0.8, 1.3, 1.7]) {
      const plan = planFit(g, cand, { target: k * g.end + 0.37 });
      if (!plan) continue;
      const out = join(dir, 'a.wav');
      await renderFit(track, plan, { out, force: true });
      const pcm = await decodeTrack(out);
      for (const s of plan.splices) sp.push(spliceAudibility(pcm, s.time, 60 / g.bpm));
    }
    const scale = median(own);
    relBars.push(...own.map((x) => x / scale));
    relSplices.push(...sp.map((x) => x / scale));
    console.log(`| ${f} | ${dist(own)} | ${dist(sp)} |`);
  }
  console.log(`\nrelative to each track's median bar line: splices ${dist(relSplices)}; bar lines ${dist(relBars)}`);
}

const tmp = await tempDir('nd-bench-fit-');
try {
  await speed(tmp.dir);
  if (!values['no-real']) await audibility(tmp.dir);
} finally {
  await tmp.cleanup();
}
