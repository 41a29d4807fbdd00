/** The map's layout for a list of tracks: PCA for small libraries on the spot, UMAP in a worker. */
import type { TrackListItem } from '../../electron/contract/types';
import { fitUnit, pca2, standardise, trackFeatures, UMAP_FROM } from './map';

export async function layoutTracks(tracks: readonly TrackListItem[]): Promise<{ points: [number, number][]; method: 'PCA' | 'UMAP' }> {
  const rows = standardise(tracks.map(trackFeatures));
  if (rows.length < UMAP_FROM) return { points: fitUnit(pca2(rows)), method: 'PCA' };
  const worker = new Worker(new URL('./map-worker.ts', import.meta.url), { type: 'module' });
  try {
    const points = await new Promise<[number, number][]>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ points: [number, number][] }>) => resolve(e.data.points);
      worker.onerror = (e) => reject(new Error(`the map layout failed: ${e.message}`));
      worker.postMessage({ rows, seed: 7 });
    });
    return { points: fitUnit(points), method: 'UMAP' };
  } finally {
    worker.terminate();
  }
}
