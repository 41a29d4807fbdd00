/**
 * The Explore map's layout cost: `layoutVectors` (electron/engine/map/layout.ts) on N synthetic
 * unit vectors of the explore space's width (descriptor statistics + 128-d mood), in G clusters,
 * then the cost of reading the cached map back (what every later visit pays). Prints the method,
 * the time of each phase and the load average (the machine is shared).
 * Run: npx tsx scripts/bench/map.ts [--tracks 10000] [--dim 200] [--groups 12]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutVectors } from '../../electron/engine/map/layout';
import { createRng } from '../../electron/engine/util/prng';
import { num, parse } from '../cli/args';

const { values } = parse(process.argv.slice(2), { tracks: { type: 'string' }, dim: { type: 'string' }, groups: { type: 'string' } }, false);
const n = num(values.tracks, 'tracks', { min: 2, int: true }) ?? 10_000;
const dim = num(values.dim, 'dim', { min: 2, int: true }) ?? 200;
const groups = num(values.groups, 'groups', { min: 1, int: true }) ?? 12;

const rng = createRng(1);
const centres = Array.from({ length: groups }, () => Float32Array.from({ length: dim }, () => rng.next() * 2 - 1));
const data = new Float32Array(n * dim);
for (let i = 0; i < n; i++) {
  const row = data.subarray(i * dim, (i + 1) * dim);
  const c = centres[i % groups];
  for (let d = 0; d < dim; d++) row[d] = c[d] + 0.5 * (rng.next() * 2 - 1);
  const norm = Math.hypot(...row);
  for (let d = 0; d < dim; d++) row[d] /= norm;
}

const phases = new Map<string, number>();
let last = performance.now();
let phase = '';
const t0 = performance.now();
const layout = await layoutVectors(data, dim, {
  seed: 7,
  onProgress: (p) => {
    if (p !== phase) {
      const now = performance.now();
      if (phase) phases.set(phase, now - last);
      phase = p;
      last = now;
    }
  },
});
if (phase) phases.set(phase, performance.now() - last);
const total = performance.now() - t0;

// What a cached visit reads: the map's JSON (points with id, x, y, energy, valence, bpm).
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-map-'));
const file = join(dir, 'map.json');
writeFileSync(file, JSON.stringify({ points: layout.points.map(([x, y], id) => ({ id, x, y, energy: 0.5, valence: 0.5, bpm: 120 })) }));
const r0 = performance.now();
JSON.parse(readFileSync(file, 'utf8'));
const read = performance.now() - r0;
rmSync(dir, { recursive: true, force: true });

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
console.log(`map layout: ${n} tracks × ${dim} dims, ${groups} clusters → ${layout.method}`);
for (const [p, ms] of phases) console.log(`  ${p.padEnd(6)} ${s(ms)}`);
console.log(`  total  ${s(total)}`);
console.log(`cached map read (a later visit): ${read.toFixed(1)} ms`);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine)`);
