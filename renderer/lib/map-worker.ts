/** UMAP off the UI thread: a library of thousands of tracks takes seconds to lay out. */
import { UMAP } from 'umap-js';

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
  // Large libraries get fewer optimisation epochs: the layout settles early, and umap-js's
  // default would keep a 10,000-track map computing for minutes on a laptop.
  const nEpochs = rows.length > 2000 ? 60 : rows.length > 800 ? 150 : undefined;
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, rows.length - 1)), minDist: 0.1, random: seeded(seed), ...(nEpochs ? { nEpochs } : {}) });
  const points = umap.fit(rows) as [number, number][];
  (self as unknown as Worker).postMessage({ points });
};
