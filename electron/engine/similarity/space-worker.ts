/**
 * A worker thread that builds the music space off the engine's thread (off-thread.ts starts it):
 * the track profile of every catalogued track, read from the catalog file opened read-only (WAL:
 * the engine keeps writing meanwhile), and a profile's re-rankings (diffusion, DBA). These are
 * the O(n²)–O(n³) steps that would otherwise hold every other request of the engine. Progress
 * goes back in the build's units (off-thread.ts), a track at a time.
 */
import { openCatalog } from '../catalog/db';
import { serveTasks } from '../jobs/worker-host';
import { catalogProfile, profileUnits, rerankHere, type BuildControl } from './catalog-profile';
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
    onProgress: (done, total) => report([done, total] satisfies SpaceProgress),
    // The notes go back to the log of the thread that asked (off-thread.ts).
    log: (note) => report({ note } satisfies SpaceProgress),
  };
  const base = task.kind === 'profile' ? await profile(task.catalogPath, task.productionDir, profileUnits(control)) : task.profile;
  if (task.kind === 'rerank') control.onProgress?.(0, 1);
  const units = task.kind === 'profile' ? base.trackIds.length + 1 : 1;
  const value = [...(task.kind === 'profile' ? [base] : []), rerankHere(base, task.rerank, control, units)];
  return { value, transfer: value.map((v) => v.data.buffer as ArrayBuffer) };
});
