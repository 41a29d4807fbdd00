/**
 * The combined music space that `similar`, the playlists and the Explore map rank by: the learned
 * music space (once the library is big enough to train one) mixed with descriptor statistics,
 * and the cross-modal mood space, weighted as SPACE_WEIGHTS says for the request; each entry's
 * why gives every space's cosine and weight.
 *
 * Track vectors are cached per catalog state: descriptor statistics until the tracks change, the
 * learned space's per its id and vector file, the mood space's per model version and segment
 * store. A request reads nothing from disk that did not change since the last one.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CuratedTrack } from '../../contract/types';
import { curationPool } from '../app/curate';
import type { Library } from '../app/library';
import type { Catalog } from '../catalog/db';
import { codedError } from '../errors';
import { CombinedSpace } from '../playlist/combined-space';
import { similarTracks } from '../playlist/similar';
import { MUSIC_SPACE_MIX, SPACE_WEIGHTS, trackVectors, weightedConcat, type TrackVectors, type WeightedSpace } from '../similarity/space';
import { buildProfile, buildRerank, type BuildPlace } from '../similarity/off-thread';
import { spaceCancelled, type BuildControl } from '../similarity/catalog-profile';
import type { FamilyStats, ProfileRerank } from '../similarity/profile';
import { readSpaceManifest } from '../similarity/model';
import { PRODUCTION_FILE } from '../similarity/production';
import { VECTORS_FILE } from '../similarity/vector-cache';
import { round } from '../util/round';

export const musicSpaceDir = (dataDir: string): string => join(dataDir, 'music-space');

/** A request that ranks by the combined space; its weights are SPACE_WEIGHTS[request]. */
export type SpaceRequest = keyof typeof SPACE_WEIGHTS;

/**
 * How each request's music space is re-ranked on the library graph (docs/similarity.md):
 * `similar` asks "which tracks belong with this one", which normalised diffusion answers best
 * on the album set; the playlist builders and the map need a space graded everywhere (diffusion
 * puts every track outside a track's graph component at exactly 0, so "more like these" with
 * diversity would pick unrelated tracks over related ones), so they keep neighbour augmentation.
 */
export const MUSIC_RERANK: Record<SpaceRequest, ProfileRerank> = { similar: 'diffusion', 'more-like': 'neighbours', 'mood-path': 'neighbours', energy: 'neighbours', explore: 'neighbours' };

/** A build under way and the requests waiting for it (each with its own cancel and progress). */
interface SharedBuild<T> {
  promise: Promise<T>;
  /** Aborted once no request waits any more: the build stops and keeps nothing. */
  stop: AbortController;
  waiters: Set<BuildControl>;
}

/** Track vectors of every space, computed once per catalog state (cleared when the tracks change). */
export class MusicSpaceCache {
  /** The profile before re-ranking: one per catalog and signature state, whatever the request. */
  private profile: { key: string; vectors: TrackVectors } | null = null;
  /** The profile re-ranked per kind, each made from `profile` under the same key. */
  private stats = new Map<ProfileRerank, { key: string; vectors: TrackVectors }>();
  private learned: { key: string; vectors: TrackVectors | null } | null = null;
  private mood: { key: string; vectors: TrackVectors } | null = null;
  private spaces = new Map<string, CombinedSpace>();
  /**
   * How many times each space was read from the catalog or disk (tests and diagnostics); `stats`
   * counts profiles built (one serves every re-ranking).
   */
  readonly reads = { stats: 0, learned: 0, mood: 0 };
  /** How many re-rankings of the profile were computed (one per kind and profile state). */
  reranks = 0;

  /** Builds under way, so that requests arriving meanwhile wait for the same one. */
  private pending = new Map<string, SharedBuild<unknown>>();
  /** Bumped by clear(): a build that started before it is handed out but not kept. */
  private generation = 0;

  /**
   * `place`: where builds run (off-thread.ts: a worker thread for large libraries); `log`: where a
   * build's notes go (the engine's log: a profile cache it could not read or write).
   */
  constructor(
    private readonly place: BuildPlace = {},
    private readonly log?: (message: string) => void,
  ) {}

  /**
   * The catalog's tracks as the music space last saw them (tracksState), or null when nothing
   * is built: a commit that left them as they were keeps the space (clearIfTracksChanged).
   */
  private tracks: string | null = null;

  /**
   * Clear unless the catalog's tracks are those the space was built from (review R7.4: another
   * process's job row, a CLI `playlist`, or a scan that found nothing new threw the app's space
   * away, so its next playlist profiled and re-ranked the whole library again). True when cleared.
   */
  clearIfTracksChanged(db: Catalog): boolean {
    let same = false;
    try {
      same = this.tracks !== null && this.tracks === tracksState(db);
    } catch {
      // Unreadable just now (busy, replaced): cleared, as before this check.
    }
    if (!same) {
      this.clear();
      return true;
    }
    // The mood space follows the segments, read from the (re-opened) library's store: cheap, so taken again.
    this.mood = null;
    this.spaces.clear();
    return false;
  }

  clear(): void {
    this.tracks = null;
    this.generation++;
    this.profile = null;
    this.stats.clear();
    this.pending.clear();
    this.learned = null;
    this.mood = null;
    this.spaces.clear();
  }

  /**
   * `build()` once per `id` at a time; its result is kept (by `keep`) only if no clear() came
   * meanwhile and it was not stopped. Every waiter hears its progress; a waiter whose signal aborts
   * stops waiting at once, and when none is left the build is stopped (between two units of its
   * work) and forgotten, so a cancelled first build leaves nothing half made: the next request
   * builds from the start.
   */
  private once<T>(id: string, build: (control: BuildControl) => Promise<T>, keep: (v: T) => void, waiter: BuildControl): Promise<T> {
    let shared = this.pending.get(id) as SharedBuild<T> | undefined;
    if (!shared) {
      const generation = this.generation;
      const stop = new AbortController();
      const waiters = new Set<BuildControl>();
      const onProgress: BuildControl['onProgress'] = (done, total, phase) => {
        for (const w of waiters) w.onProgress?.(done, total, phase);
      };
      const started: Promise<T> = build({ signal: stop.signal, onProgress })
        .then((v) => {
          if (generation === this.generation && !stop.signal.aborted) keep(v);
          return v;
        })
        .finally(() => {
          if (this.pending.get(id)?.promise === started) this.pending.delete(id);
        });
      // Its failure reaches each waiter; a build nobody waits for any more fails unheard.
      started.catch(() => undefined);
      shared = { promise: started, stop, waiters };
      this.pending.set(id, shared);
    }
    return this.waitFor(id, shared, waiter);
  }

  /** Wait for a shared build as one request (see once). */
  private waitFor<T>(id: string, shared: SharedBuild<T>, waiter: BuildControl): Promise<T> {
    // Its own entry, even when a caller hands the same control to two waits.
    const me: BuildControl = { ...waiter };
    const { signal } = me;
    shared.waiters.add(me);
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        shared.waiters.delete(me);
        reject(spaceCancelled());
        if (shared.waiters.size > 0) return;
        shared.stop.abort();
        if (this.pending.get(id) === shared) this.pending.delete(id);
      };
      if (signal?.aborted) return leave();
      signal?.addEventListener('abort', leave, { once: true });
      void shared.promise.then(resolve, reject).finally(() => {
        shared.waiters.delete(me);
        signal?.removeEventListener('abort', leave);
      });
    });
  }

  /**
   * Descriptor statistics (the profile) re-ranked as `rerank` says. The profile takes a DCT per
   * step of every track; it is built once per catalog state (until clear) and production-signature
   * file (musicSpace.update adds signatures), and each re-ranking is made from it once. Both run
   * on a worker thread for large libraries (off-thread.ts), so other requests are answered meanwhile.
   * `control`: this request's cancel and progress (the build's phases: each track profiled, then
   * the re-ranking's steps).
   */
  async descriptorStats(lib: Library, dataDir: string, rerank: ProfileRerank, control: BuildControl = {}): Promise<TrackVectors> {
    const productionDir = musicSpaceDir(dataDir);
    const file = join(productionDir, PRODUCTION_FILE);
    const st = existsSync(file) ? statSync(file) : null;
    const key = JSON.stringify(st ? [st.size, st.mtimeMs] : null);
    if (this.profile?.key !== key) {
      // Taken before the build reads them: a change during it differs from this.
      const tracks = tracksState(lib.db);
      const generation = this.generation;
      // The profile and this request's re-ranking in one build (one thread start when off-thread).
      const built = await this.once(
        `profile\0${key}`,
        async (build) => ({ rerank, ...(await buildProfile(lib.db, productionDir, rerank, this.place, { ...build, ...(this.log ? { log: this.log } : {}) })) }),
        (b) => {
          if (generation === this.generation) this.tracks = tracks;
          this.profile = { key, vectors: b.profile };
          this.stats.clear();
          this.stats.set(b.rerank, { key, vectors: b.reranked });
          this.reads.stats++;
          this.reranks++;
        },
        control,
      );
      // Cleared meanwhile: hand out what was built for the state this request saw, keep nothing.
      if (this.profile?.key !== key) return built.rerank === rerank ? built.reranked : buildRerank(built.profile, rerank, this.place, control);
    }
    const stats = this.stats.get(rerank);
    if (stats?.key === key) return stats.vectors;
    const profile = this.profile.vectors;
    return this.once(
      `${rerank}\0${key}`,
      (build) => buildRerank(profile, rerank, this.place, build),
      (vectors) => {
        this.stats.set(rerank, { key, vectors });
        this.reranks++;
      },
      control,
    );
  }

  /**
   * The profile before re-ranking, with its families' statistics (a clip's own music is put in it:
   * app/temp-track.ts). Built with the DBA re-ranking the playlists use (cheaper than diffusion), kept for them.
   * `control`: the asking match's cancel (a cancelled match stops the build between two tracks and keeps nothing).
   */
  async profileVectors(lib: Library, dataDir: string, control: BuildControl = {}): Promise<TrackVectors & { families: FamilyStats[] }> {
    await this.descriptorStats(lib, dataDir, MUSIC_RERANK['more-like'], control);
    if (control.signal?.aborted) throw spaceCancelled();
    // Cleared meanwhile: read again, not kept.
    const v = this.profile?.vectors ?? (await trackVectors(lib.db, { kind: 'descriptor-stats', productionDir: musicSpaceDir(dataDir), rerank: 'none' }));
    if (!v.families) throw new Error('the track profile came without its families\' statistics');
    return { ...v, families: v.families };
  }

  /** The learned space's vectors, or null before the library has one; re-read when its id or vector file changes. */
  async learnedVectors(lib: Library, dataDir: string): Promise<TrackVectors | null> {
    const dir = musicSpaceDir(dataDir);
    const manifest = existsSync(dir) ? await readSpaceManifest(dir) : undefined;
    const file = join(dir, VECTORS_FILE);
    const st = existsSync(file) ? statSync(file) : null;
    const key = JSON.stringify([manifest?.id ?? null, st ? [st.size, st.mtimeMs] : null]);
    if (this.learned?.key !== key) {
      this.learned = { key, vectors: manifest ? await trackVectors(lib.db, { kind: 'learned', dir }) : null };
      this.reads.learned++;
    }
    return this.learned.vectors;
  }

  /**
   * The mood space: the model version's track vectors (normalised mean of each track's segments),
   * taken from the library's segment store, which already holds them: no catalog read.
   */
  moodVectors(lib: Library): TrackVectors {
    const key = `${lib.version}\0${lib.store.version}`;
    if (this.mood?.key !== key) {
      const { store } = lib;
      this.mood = { key, vectors: { space: `mood:${lib.version}`, trackIds: store.trackIds(), dim: store.dim, data: store.trackVectors().slice(), missing: [] } };
      this.reads.mood++;
    }
    return this.mood.vectors;
  }

  /** The combined space of a request, built once per state of its parts; `control`: as descriptorStats. */
  async space(lib: Library, dataDir: string, request: SpaceRequest, control: BuildControl = {}): Promise<CombinedSpace> {
    const parts = await combinedParts(lib, dataDir, this, request, control);
    const key = `${request}\0${this.mood?.key}\0${this.learned?.key}\0${this.stats.get(MUSIC_RERANK[request])?.key}\0${parts.length}`;
    let space = this.spaces.get(key);
    if (!space) {
      space = new CombinedSpace(parts, (id) => lib.store.info(id).summary.energy);
      this.spaces.set(key, space);
    }
    return space;
  }
}

/**
 * A job's progress through a music-space build (`control`: give it to the build): `vectors`, the
 * tracks profiled (0 of 1 at once, 1 of 1 when the profile was ready), then `rerank`, the
 * re-ranking's steps, each phase with its own count, rate and ETA (review R7.3: the re-ranking was
 * the last of 10,001 units, so a 10,000-track playlist said "ETA 0:00" for the 3 to 4 minutes it
 * ran). `end()` after the build: a vectors phase nothing was built for ends at 1 of 1.
 */
export function spaceProgress(job: { signal: AbortSignal; progress(phase: string, done: number, total: number): void }): { control: BuildControl; end(): void } {
  let vectors = { done: 0, total: 1 };
  let reranking = false;
  const endVectors = (): void => {
    if (vectors.done < vectors.total) job.progress('vectors', vectors.total, vectors.total);
  };
  job.progress('vectors', 0, 1);
  return {
    control: {
      signal: job.signal,
      onProgress: (done, total, phase) => {
        if (phase === 'profile') {
          vectors = { done, total };
          job.progress('vectors', done, total);
          return;
        }
        if (!reranking) endVectors();
        reranking = true;
        job.progress('rerank', done, total);
      },
    },
    end: () => {
      if (!reranking) endVectors();
    },
  };
}

/**
 * What the music space depends on in the catalog, in one string: each track's id, file path,
 * content hash and analysis time (a re-index sets it) and its audio features' shape. Reads no
 * blob (27–180 ms at 2,000 tracks on the shared box). The segments (mood space) are not in it: the mood
 * space is taken again from the library's store on every clearIfTracksChanged.
 */
export function tracksState(db: Catalog): string {
  const hash = createHash('sha256');
  const rows = db
    .prepare<[], { row: string }>(
      `SELECT t.id || ' ' || f.path || ' ' || f.hash || ' ' || f.indexed_at || ' ' || coalesce(x.spec || ' ' || x.t || ' ' || x.d || ' ' || x.names, '-') AS row
       FROM tracks t JOIN files f ON f.id = t.file_id LEFT JOIN features x ON x.track_id = t.id AND x.modality = 'audio' ORDER BY t.id`,
    )
    .iterate();
  for (const r of rows) hash.update(`${r.row}\n`);
  return hash.digest('hex');
}

/**
 * The parts of a request's combined space, [music…, mood?], weighted as SPACE_WEIGHTS[request]
 * says: music = the learned space and descriptor statistics mixed as MUSIC_SPACE_MIX says (today
 * learned 0, statistics 1: the learned space lost to them on the album set) when the library has a
 * learned space that knows every track (one that misses some would drop them from every list
 * until embedded), else descriptor statistics alone.
 */
export async function combinedParts(lib: Library, dataDir: string, cache: MusicSpaceCache, request: SpaceRequest, control: BuildControl = {}): Promise<WeightedSpace[]> {
  const stats = await cache.descriptorStats(lib, dataDir, MUSIC_RERANK[request], control);
  const learned = await cache.learnedVectors(lib, dataDir);
  const mood = cache.moodVectors(lib);
  const { music, mood: moodWeight } = SPACE_WEIGHTS[request];
  const useLearned = learned !== null && learned.trackIds.length > 0 && learned.missing.length === 0;
  return [
    ...(useLearned
      ? [
          { vectors: learned, weight: music * MUSIC_SPACE_MIX.learned },
          { vectors: stats, weight: music * MUSIC_SPACE_MIX.descriptorStats },
        ]
      : [{ vectors: stats, weight: music }]),
    // A request that weighs no mood (`similar`) leaves the mood space out: it would only show a
    // cosine of 0 in the why and drop tracks it has no vector for.
    ...(moodWeight > 0 ? [{ vectors: mood, weight: moodWeight }] : []),
  ];
}

/**
 * Vectors of every track in a request's combined space: one unit row per track whose dot product
 * with another is Σ weight · cosine over the spaces (weightedConcat), with the parts it was made
 * from. For the Explore map and anything else that lays out or clusters the library.
 */
export async function combinedTrackVectors(
  lib: Library,
  dataDir: string,
  cache: MusicSpaceCache,
  request: SpaceRequest,
  control: BuildControl = {},
): Promise<{ vectors: TrackVectors; parts: WeightedSpace[] }> {
  const parts = await combinedParts(lib, dataDir, cache, request, control);
  return { vectors: weightedConcat(parts), parts };
}


/** A why for the wire: three decimals. */
export const roundedWhy = (why: Array<{ space: string; cosine: number; weight: number }>): CuratedTrack['why'] =>
  why.map((w) => ({ space: w.space, cosine: round(w.cosine, 3), weight: round(w.weight, 3) }));

/** "Sounds like": the tracks nearest `trackId` in the combined space of `similar`, with the why. */
export async function similarCombined(lib: Library, dataDir: string, cache: MusicSpaceCache, trackId: number, top: number): Promise<CuratedTrack[]> {
  const space = await cache.space(lib, dataDir, 'similar');
  if (!space.has(trackId)) throw codedError('not-indexed', String(trackId), `has no vector in every space of the combined space (${space.parts.map((p) => p.space).join(', ')}): re-scan the library`);
  return similarTracks(space, trackId, top, curationPool(lib, space)).map((e, i) => ({
    position: i + 1,
    track: lib.view(e.trackId),
    score: round(e.score, 3),
    why: roundedWhy(e.why ?? []),
  }));
}
