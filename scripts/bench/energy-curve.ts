/**
 * What an energy curve costs (review R2.10: a 200-track curve took minutes of CPU): energyCurve
 * "low,high" over N synthetic tracks (dim 128, mood clusters, energies as the analyser stores them:
 * RMS rounded to 4 decimals, so many tie, skewed low into [0, 0.23] like the 249-track library of review R2) at lengths L, the
 * old full-resum smoothMood (tests/unit/playlist/energy-curve-reference.ts) against the incremental
 * one, with the ratio. Each run is a child process (CPU seconds of the call alone, from
 * process.cpuUsage, which is what counts on a shared machine); an old run over --limit seconds of
 * wall time is stopped and shown as "> limit". Both give the same playlist (a hash is compared).
 * N = 200 with L = 200 is a curve over the whole pool (the CLI's --length 1000 on a small library):
 * every swap keeps the miss there, the old code's worst case.
 * Run: npx tsx scripts/bench/energy-curve.ts [--lengths 30,60,120,200] [--tracks 200,250,2000] [--limit 90]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { energyCurve, parseEnergyLevels } from '../../electron/engine/playlist/energy-curve';
import { SegmentStore } from '../../electron/engine/search/segment-store';
import { moodRows, rng, summary, track } from '../../tests/unit/search/synthetic';
import { referenceEnergyCurve } from '../../tests/unit/playlist/energy-curve-reference';
import { num, parse } from '../cli/args';

const { values } = parse(process.argv.slice(2), {
  lengths: { type: 'string' },
  tracks: { type: 'string' },
  limit: { type: 'string' },
  one: { type: 'string' },
});
const list = (text: string | undefined, name: string, fallback: number[]): number[] =>
  text === undefined ? fallback : text.split(',').map((w) => num(w, name, { min: 1, int: true }) as number);

const D = 128;

/** N tracks in clusters of 10 around mood directions (as real libraries hold albums), energies rounded like features/audio.ts's. */
function library(n: number): SegmentStore {
  const rand = rng(210);
  const store = new SegmentStore(D);
  for (let s = 0; s < n; s += 10) {
    const rows = moodRows(rand, Math.min(10, n - s), D, 1);
    for (let k = 0; s + k < n && k < 10; k++) store.addTrack(track(s + k, rows.slice(k * D, (k + 1) * D), D, { summary: summary({ energy: Math.round(2300 * rand() ** 1.5) / 10_000 }) }));
  }
  return store;
}

if (values.one !== undefined) {
  // Child: one timed call, "cpu-seconds hash" on stdout.
  const [impl, l, n] = values.one.split(':');
  const store = library(Number(n));
  const build = impl === 'old' ? referenceEnergyCurve : energyCurve;
  const before = process.cpuUsage();
  const entries = build(store, parseEnergyLevels('low,high'), Number(l));
  const used = process.cpuUsage(before);
  const hash = createHash('sha256').update(entries.map((e) => e.trackId).join(',')).digest('hex').slice(0, 12);
  process.stdout.write(`${(used.user + used.system) / 1e6} ${hash}\n`);
} else {
  const lengths = list(values.lengths, 'lengths', [30, 60, 120, 200]);
  const sizes = list(values.tracks, 'tracks', [200, 250, 2000]);
  const limit = num(values.limit, 'limit', { min: 1 }) ?? 90;
  const run = (impl: string, l: number, n: number): { cpu: number; hash: string } | undefined => {
    try {
      const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], '--one', `${impl}:${l}:${n}`], { timeout: limit * 1000, encoding: 'utf8' });
      const [cpu, hash] = out.trim().split(' ');
      return { cpu: Number(cpu), hash };
    } catch {
      return undefined; // stopped at the limit
    }
  };
  console.log(`energyCurve low,high, dim ${D}: CPU seconds of the call (old stopped after ${limit} s wall)`);
  console.log('     N      L      old s      new s     ratio   same list');
  for (const n of sizes) {
    for (const l of lengths) {
      const fresh = run('new', l, n);
      const old = run('old', l, n);
      const cell = (r: { cpu: number } | undefined): string => (r ? r.cpu.toFixed(3) : `> ${limit}`).padStart(10);
      const ratio = fresh && old ? `${(old.cpu / fresh.cpu).toFixed(0)}×` : '-';
      const same = fresh && old ? (fresh.hash === old.hash ? 'yes' : 'NO') : '-';
      console.log(`${String(n).padStart(6)} ${String(l).padStart(6)} ${cell(old)} ${cell(fresh)} ${ratio.padStart(9)}   ${same}`);
    }
  }
}
