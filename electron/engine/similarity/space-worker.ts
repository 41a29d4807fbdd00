/**
 * A worker thread that builds the music space off the engine's thread (off-thread.ts starts it):
 * the track profile of every catalogued track, read from the catalog file opened read-only (WAL:
 * the engine keeps writing meanwhile), and a profile's re-rankings (diffusion, DBA). These are
 * the O(n²)–O(n³) steps that would otherwise hold every other request of the engine. Progress
 * goes back in the build's phases (off-thread.ts): a track at a time, then the re-ranking's steps.
 */
import { openCatalog } from '../catalog/db';
import { serveTasks } from '../jobs/worker-host';
import { catalogProfile, rerankHere, type BuildControl } from './catalog-profile';
import type { SpaceProgress, SpaceResult, SpaceTask } from './off-thread';
import type { TrackVectors } from './space';

async function profile(catalogPath: string, productionDir: string, control: BuildControl): Promise<TrackVectors> {
  const db = openCatalog(catalogPath, { readonly: true });
  try {
    return await catalogProfile(db, productionDir, control);
  } finally {
    db.close();
  }
}

serveTasks<SpaceTask, SpaceResult>(async (task, signal, report) => {
  const control: BuildControl = {
    signal,
    onProgress: (done, total, phase) => report([done, total, phase] satisfies SpaceProgress),
    // The notes go back to the log of the thread that asked (off-thread.ts).
    log: (note) => report({ note } satisfies SpaceProgress),
  };
  const base = task.kind === 'profile' ? await profile(task.catalogPath, task.productionDir, control) : task.profile;
  const value = [...(task.kind === 'profile' ? [base] : []), rerankHere(base, task.rerank, control)];
  return { value, transfer: value.map((v) => v.data.buffer as ArrayBuffer) };
});
