/**
 * Where the music space is built: on a worker thread (space-worker.ts) for libraries of
 * OFF_THREAD_MIN_TRACKS tracks or more, so the engine keeps answering other requests while a
 * large profile and its re-rankings are computed (seconds to minutes: docs/similarity.md, "At
 * library scale"); in the calling thread below that, where the build takes well under a second
 * and starting a thread would cost more than it saves.
 */
import type { Catalog } from '../catalog/db';
import { WorkerPool } from '../jobs/worker-pool';
import { workerModule } from '../jobs/worker-entry';
import type { ProfileRerank } from './profile';
import { catalogTracks, rerankVectors, trackVectors, type TrackVectors } from './space';

/** From this many tracks the profile and its re-rankings are built on a worker thread. */
export const OFF_THREAD_MIN_TRACKS = 500;

/** 'profile': the profile and one re-ranking of it, in one thread start; 'rerank': another re-ranking of a profile. */
export type SpaceTask = { kind: 'profile'; catalogPath: string; productionDir: string; rerank: ProfileRerank } | { kind: 'rerank'; profile: TrackVectors; rerank: ProfileRerank };

/** What a task hands back: [profile, re-ranked] for 'profile', [re-ranked] for 'rerank'. */
export type SpaceResult = TrackVectors[];

const SPACE_WORKER = workerModule('space-worker', new URL('./space-worker.ts', import.meta.url));

/** Run one task on a fresh worker thread (closed when it ends: a build happens once per catalog state). */
async function inWorker(task: SpaceTask): Promise<SpaceResult> {
  const pool = new WorkerPool<SpaceTask, SpaceResult>({ size: 1, entry: SPACE_WORKER });
  try {
    return await pool.run(task);
  } finally {
    await pool.close();
  }
}

/** Where a build runs; `offThread` true forces the worker (tests), false the calling thread. */
export interface BuildPlace {
  offThread?: boolean;
}

/** The profile (not re-ranked) of every catalogued track with audio features, and that profile re-ranked as `rerank` says. */
export async function buildProfile(db: Catalog, productionDir: string, rerank: ProfileRerank, place: BuildPlace = {}): Promise<{ profile: TrackVectors; reranked: TrackVectors }> {
  // An in-memory catalog cannot be opened from another thread.
  const onFile = db.name !== ':memory:' && db.name !== '';
  const off = place.offThread ?? (onFile && catalogTracks(db).length >= OFF_THREAD_MIN_TRACKS);
  if (off && onFile) {
    const [profile, reranked] = await inWorker({ kind: 'profile', catalogPath: db.name, productionDir, rerank });
    return { profile, reranked };
  }
  const profile = await trackVectors(db, { kind: 'descriptor-stats', productionDir, rerank: 'none' });
  return { profile, reranked: rerankVectors(profile, rerank) };
}

/** A profile re-ranked as `rerank` says (rerankVectors), off the calling thread for large libraries. */
export async function buildRerank(profile: TrackVectors, rerank: ProfileRerank, place: BuildPlace = {}): Promise<TrackVectors> {
  if (place.offThread ?? profile.trackIds.length >= OFF_THREAD_MIN_TRACKS) return (await inWorker({ kind: 'rerank', profile, rerank }))[0];
  return rerankVectors(profile, rerank);
}
