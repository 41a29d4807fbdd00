/**
 * Cost of the normalised-diffusion space (electron/engine/similarity/diffusion.ts) by library
 * size, against neighbour augmentation (DBA, its fallback above DIFFUSION_MAX_TRACKS): both on
 * the same random profile-sized unit rows (700 dims, 20 planted clusters), one thread.
 *
 *   npx tsx scripts/bench/diffusion.ts [--sizes 250,500,1000,2000] [--dim 700]
 *
 * Prints seconds per size for the graph + factorisation (diffusion) and for DBA, and the size of
 * the diffusion rows (n × n floats).
 */
import { parseArgs } from 'node:util';
import { diffusionEmbedding } from '../../electron/engine/similarity/diffusion';
import { augmentByNeighbours } from '../../electron/engine/similarity/rerank';
import { createRng } from '../../electron/engine/util/prng';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '250,500,1000,2000' }, dim: { type: 'string', default: '700' } } });
const sizes = values.sizes.split(',').map(Number);
const dim = Number(values.dim);
const rng = createRng(7);
const gauss = (): number => Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());

function rows(n: number): Float32Array {
  const centres = Array.from({ length: 20 }, () => Float64Array.from({ length: dim }, gauss));
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % 20];
    const v = Float64Array.from(c, (x) => x + 1.3 * gauss());
    const norm = Math.hypot(...v);
    for (let d = 0; d < dim; d++) out[i * dim + d] = v[d] / norm;
  }
  return out;
}

for (const n of sizes) {
  const data = rows(n);
  let t = performance.now();
  diffusionEmbedding(data, dim);
  const diffusion = (performance.now() - t) / 1000;
  t = performance.now();
  augmentByNeighbours(data, dim);
  const dba = (performance.now() - t) / 1000;
  process.stdout.write(`${n} tracks: diffusion ${diffusion.toFixed(2)} s (rows ${((n * n * 4) / 2 ** 20).toFixed(1)} MB), DBA ${dba.toFixed(2)} s\n`);
}
