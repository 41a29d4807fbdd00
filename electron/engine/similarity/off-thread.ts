/**
 * Where the music space is built: on a worker thread (space-worker.ts) for libraries of
 * OFF_THREAD_MIN_TRACKS tracks or more, so the engine keeps answering other requests while a
 * large profile and its re-rankings are computed (seconds to minutes: docs/similarity.md, "At
 * library scale"); in the calling thread below that, where the build takes well under a second
 * and starting a thread would cost more than it saves. Either way a build stops when its signal
 * aborts (between two tracks of the profile; a worker is ended where it is) and tells its progress
 * in its two phases (BuildPhase): each track profiled, then the re-ranking's steps.
 */
import type { Catalog } from '../catalog/db';
import { WorkerPool } from '../jobs/worker-pool';
import { workerModule } from '../jobs/worker-entry';
import { catalogProfile, rerankHere, spaceCancelled, type BuildControl, type BuildPhase } from './catalog-profile';
import type { ProfileRerank } from './profile';
import { catalogTracks, type TrackVectors } from './space';

/** From this many tracks the profile and its re-rankings are built on a worker thread. */
export const OFF_THREAD_MIN_TRACKS = 500;

/** 'profile': the profile and one re-ranking of it, in one thread start; 'rerank': another re-ranking of a profile. */
export type SpaceTask = { kind: 'profile'; catalogPath: string; productionDir: string; rerank: ProfileRerank } | { kind: 'rerank'; profile: TrackVectors; rerank: ProfileRerank };

/** What a task hands back: [profile, re-ranked] for 'profile', [re-ranked] for 'rerank'. */
export type SpaceResult = TrackVectors[];

/** What a space worker reports while it builds: `done` of `total` in a phase, or a note for the build's log. */
export type SpaceProgress = [done: number, total: number, phase: BuildPhase] | { note: string };

const SPACE_WORKER = workerModule('space-worker', new URL('./space-worker.ts', import.meta.url));

/** Run one task on a fresh worker thread (closed when it ends: a build happens once per catalog state). */
async function inWorker(task: SpaceTask, control: BuildControl): Promise<SpaceResult> {
  const { signal, onProgress, log } = control;
  if (signal?.aborted) throw spaceCancelled();
  const pool = new WorkerPool<SpaceTask, SpaceResult>({ size: 1, entry: SPACE_WORKER });
  // A cancel ends the thread where it is: a re-ranking (native neighbour search) looks at no signal.
  const stop = (): void => void pool.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    // Progress the thread sent before it was ended is not heard: a cancelled build says no more. Its notes are (the thread has no log).
    const heard = (value: unknown): void => {
      const p = value as SpaceProgress;
      if (!Array.isArray(p)) log?.(p.note);
      else if (!signal?.aborted) onProgress?.(...p);
    };
    return await pool.run(task, { onProgress: heard }).catch((err: unknown) => {
      throw signal?.aborted ? spaceCancelled() : err;
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    await pool.close();
  }
}

/** Where a build runs; `offThread` true forces the worker (tests), false the calling thread. */
export interface BuildPlace {
  offThread?: boolean;
}

/**
 * The profile (not re-ranked) of every catalogued track with audio features, and that profile
 * re-ranked as `rerank` says. Phases: the tracks profiled, then the re-ranking's steps.
 */
export async function buildProfile(db: Catalog, productionDir: string, rerank: ProfileRerank, place: BuildPlace = {}, control: BuildControl = {}): Promise<{ profile: TrackVectors; reranked: TrackVectors }> {
  // An in-memory catalog cannot be opened from another thread.
  const onFile = db.name !== ':memory:' && db.name !== '';
  const off = place.offThread ?? (onFile && catalogTracks(db).length >= OFF_THREAD_MIN_TRACKS);
  if (off && onFile) {
    const [profile, reranked] = await inWorker({ kind: 'profile', catalogPath: db.name, productionDir, rerank }, control);
    return { profile, reranked };
  }
  const profile = await catalogProfile(db, productionDir, control);
  return { profile, reranked: rerankHere(profile, rerank, control) };
}

/** A profile re-ranked as `rerank` says (rerankVectors), off the calling thread for large libraries. The 'rerank' phase alone. */
export async function buildRerank(profile: TrackVectors, rerank: ProfileRerank, place: BuildPlace = {}, control: BuildControl = {}): Promise<TrackVectors> {
  if (place.offThread ?? profile.trackIds.length >= OFF_THREAD_MIN_TRACKS) return (await inWorker({ kind: 'rerank', profile, rerank }, control))[0];
  return rerankHere(profile, rerank, control);
}
