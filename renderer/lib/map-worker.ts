/** UMAP off the UI thread: a library of thousands of tracks takes seconds to lay out. */
import { UMAP } from 'umap-js';
import { createRng } from '../../electron/engine/util/prng';

self.onmessage = (e: MessageEvent<{ rows: number[][]; seed: number }>) => {
  const { rows, seed } = e.data;
  const rng = createRng(seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, rows.length - 1)), minDist: 0.1, random: () => rng.next() });
  const points = umap.fit(rows) as [number, number][];
  (self as unknown as Worker).postMessage({ points });
};
