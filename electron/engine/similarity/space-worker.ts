/**
 * A worker thread that builds the music space off the engine's thread (off-thread.ts starts it):
 * the track profile of every catalogued track, read from the catalog file opened read-only (WAL:
 * the engine keeps writing meanwhile), and a profile's re-rankings (diffusion, DBA). These are
 * the O(n²)–O(n³) steps that would otherwise hold every other request of the engine.
 */
import { openCatalog } from '../catalog/db';
import { serveTasks } from '../jobs/worker-host';
import type { SpaceResult, SpaceTask } from './off-thread';
import { rerankVectors, trackVectors, type TrackVectors } from './space';

async function profile(catalogPath: string, productionDir: string): Promise<TrackVectors> {
  const db = openCatalog(catalogPath, { readonly: true });
  try {
    return await trackVectors(db, { kind: 'descriptor-stats', productionDir, rerank: 'none' });
  } finally {
    db.close();
  }
}

serveTasks<SpaceTask, SpaceResult>(async (task) => {
  const base = task.kind === 'profile' ? await profile(task.catalogPath, task.productionDir) : task.profile;
  const value = [...(task.kind === 'profile' ? [base] : []), rerankVectors(base, task.rerank)];
  return { value, transfer: value.map((v) => v.data.buffer as ArrayBuffer) };
});
