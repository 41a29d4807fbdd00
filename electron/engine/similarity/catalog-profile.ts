/**
 * The track profile (profile.ts) of every catalogued track with audio features, made one track at
 * a time: the first build of the music space for a playlist, `similar` or the map reads and
 * profiles the whole library (≈ 9 CPU-s per 1,000 four-minute tracks: docs/similarity.md), so
 * between two tracks it looks at its signal (a cancelled job stops there) and says how far it is.
 * It runs on the engine's thread for small libraries and on a worker thread for large ones
 * (off-thread.ts); its rows are those trackVectors gives for the profile with re-ranking 'none'.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { cancelledError } from '../errors';
import type { FeatureSeq } from '../features/types';
import { readProductionSignatures } from './production';
import { profileKeys, readProfileCache, writeProfileCache, type CachedProfile } from './profile-cache';
import { profileRows, trackProfile, type ProfileRerank, type TrackProfile } from './profile';
import { catalogTracks, rerankVectors, type TrackVectors } from './space';

/**
 * A build's two phases, each counted on its own (review R7.3: the re-ranking was one unit after
 * 10,000 tracks, so the ETA said 0:00 through its minutes): 'profile', the tracks profiled;
 * 'rerank', the re-ranking's steps (rerankProfile: each row's neighbour list, then for diffusion
 * each row of the embedding).
 */
export type BuildPhase = 'profile' | 'rerank';

/** A long build's cancel and progress: checked and told between units of work. */
export interface BuildControl {
  signal?: AbortSignal;
  /** `done` of `total` in `phase`, from 0 to total in each (a job's progress rations its events). */
  onProgress?: (done: number, total: number, phase: BuildPhase) => void;
  /** Where the build's notes go (a profile cache it cannot read or write): the engine's log; none, unsaid. */
  log?: (message: string) => void;
}

/** The error a cancelled build of the music space ends with. */
export const spaceCancelled = (): Error => cancelledError('building the music space');

/** How long the profile runs before the event loop gets a turn (a cancel lands then), as a playlist's rounds (playlist/steps.ts). */
const SLICE_MS = 25;

/**
 * The profile of every catalogued track before any re-ranking, with each track's production
 * signature from `productionDir` where it has one. Each track's profile is kept on disk there
 * (profile-cache.ts): only tracks whose features changed are profiled again. Progress counts the
 * tracks with a profile, the first report those the cache gave.
 */
export async function catalogProfile(db: Catalog, productionDir: string | undefined, control: BuildControl = {}): Promise<TrackVectors> {
  const { signal, onProgress, log } = control;
  const tracks = catalogTracks(db);
  const signatures = productionDir ? await readProductionSignatures(productionDir) : undefined;
  // The rows kept on disk (profile-cache.ts) whose features did not change since: progress starts past them.
  const keys = productionDir ? profileKeys(db) : undefined;
  const cached = productionDir ? readProfileCache(productionDir, log) : new Map<number, CachedProfile>();
  const reuse = (t: { trackId: number }): TrackProfile | undefined => {
    const c = cached.get(t.trackId);
    return c && c.key === keys?.get(t.trackId) ? c.profile : undefined;
  };
  const profiles: Array<TrackProfile | undefined> = tracks.map(reuse);
  let done = profiles.filter((p) => p !== undefined).length;
  const fresh = done < tracks.length || cached.size !== tracks.length;
  onProgress?.(done, tracks.length, 'profile');
  let since = performance.now();
  for (const [i, t] of tracks.entries()) {
    if (profiles[i]) continue;
    if (signal?.aborted) throw spaceCancelled();
    profiles[i] = trackProfile(getFeatures(db, t.trackId, 'audio') as FeatureSeq, `track ${t.trackId}`);
    onProgress?.(++done, tracks.length, 'profile');
    if (performance.now() - since >= SLICE_MS) {
      await nextTurn();
      since = performance.now();
    }
  }
  const all = profiles as TrackProfile[];
  if (productionDir && keys && fresh && !signal?.aborted) writeProfileCache(productionDir, tracks.map((t, i) => ({ trackId: t.trackId, key: keys.get(t.trackId) ?? '', profile: all[i] })), log);
  if (signal?.aborted) throw spaceCancelled();
  const rows = profileRows(
    all,
    signatures ? { production: tracks.map((t) => signatures.get(t.hash)) } : {},
    tracks.map((t) => `track ${t.trackId}`),
  );
  return { space: 'descriptor-stats', trackIds: tracks.map((t) => t.trackId), missing: [], ...rows };
}

/**
 * A build's re-ranking, in this thread (after a last look at the signal: the native neighbour
 * search looks at none), its steps told as the 'rerank' phase.
 */
export function rerankHere(profile: TrackVectors, rerank: ProfileRerank, control: BuildControl): TrackVectors {
  if (control.signal?.aborted) throw spaceCancelled();
  const { onProgress } = control;
  return rerankVectors(profile, rerank, onProgress && ((done, total) => onProgress(done, total, 'rerank')));
}
