/** UMAP off the UI thread: a library of thousands of tracks takes seconds to lay out. */
import { UMAP } from 'umap-js';
import { evenSample, fitUnit, placeBySample } from './map';

/** Above this many tracks UMAP lays out a sample; the rest join their nearest sampled track. */
const MAX_FIT = 2000;

/** mulberry32: a seeded generator so the same library gets the same map (the renderer imports no engine code). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

self.onmessage = (e: MessageEvent<{ rows: number[][]; seed: number }>) => {
  const { rows, seed } = e.data;
  // Larger maps get fewer optimisation epochs: the layout settles early.
  const nEpochs = rows.length > 800 ? 150 : undefined;
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, rows.length - 1)), minDist: 0.1, random: seeded(seed), ...(nEpochs ? { nEpochs } : {}) });
  const sample = evenSample(rows.length, MAX_FIT);
  const fitted = fitUnit(umap.fit(sample.map((i) => rows[i])) as [number, number][]);
  const jitter = seeded(seed + 1);
  const points = placeBySample(rows, sample, fitted, 0.01, () => jitter() * 2 - 1);
  (self as unknown as Worker).postMessage({ points });
};
