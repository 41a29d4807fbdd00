/**
 * The learned music space of a library, kept up to date: trained when the library is first big
 * enough, retrained (warm-started from the current weights) when it has grown by a quarter
 * since, and new tracks embedded with the current space otherwise. Below MIN_TRACKS_TO_TRAIN
 * the descriptor-statistics space serves (space.ts), so there is always a space.
 *
 * First, at any library size, each new track's production signature (production.ts) is
 * computed for the descriptor-statistics profile that serves `similar`, playlists and the map.
 *
 * Cancel at any point: a training in progress leaves the previous space in place (model.ts
 * renames a finished folder into place); embeddings and signatures done so far are kept.
 */
import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { cancelledError } from '../errors';
import type { FeatureSeq } from '../features/types';
import { openMusicSpace, readSpaceManifest, readSpaceWeights, saveMusicSpace, type SpaceManifest } from './model';
import { PRODUCTION_CACHE_ID, PRODUCTION_FILE, productionSignature } from './production';
import { catalogTracks } from './space';
import { DEFAULT_MUSIC_SPACE_CONFIG, trainMusicSpace, type MusicSpaceConfig } from './train';
import { readVectorCache, writeVectorCache, type VectorCache } from './vector-cache';
import { errorMessage } from '../util/error-message';

/**
 * Fewest tracks to train on. A batch holds 32 distinct tracks, and every crop's negatives are
 * the other tracks in it; with fewer than about 40 the model sees the same few negatives every
 * step and learns the tracks by heart. Measured: trained on 48 tracks of three albums, it beats
 * the descriptor statistics on two unseen albums (docs/similarity.md).
 */
export const MIN_TRACKS_TO_TRAIN = 40;
/** Retrain when the library has grown by this fraction since the last training. */
export const RETRAIN_GROWTH = 0.25;

export interface MusicSpaceUpdateProgress {
  phase: 'production' | 'train' | 'embed';
  done: number;
  total: number;
  /** Training loss, in the train phase. */
  loss?: number;
  etaSeconds?: number;
}

export interface MusicSpaceUpdateOptions {
  signal?: AbortSignal;
  onProgress?: (p: MusicSpaceUpdateProgress) => void;
  config?: Partial<MusicSpaceConfig>;
  /** Train even if the library has not grown enough (e.g. the user asked for it). */
  forceTrain?: boolean;
}

export type MusicSpaceUpdate = (
  | { kind: 'descriptor-stats'; tracks: number; reason: string }
  | { kind: 'learned'; manifest: SpaceManifest; trained: 'new' | 'warm-start' | 'no'; embedded: number; tracks: number }
) & { production: ProductionUpdate };

export interface ProductionUpdate {
  computed: number;
  failed: Array<{ path: string; reason: string }>;
  tracks: number;
}

/**
 * Compute the signatures the cache in `dir` lacks for the catalog's tracks. Cancel keeps what is
 * done; a file ffmpeg cannot read is reported and skipped (its track ranks without one).
 */
export async function updateProductionSignatures(
  db: Catalog,
  dir: string,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ProductionUpdate> {
  const tracks = catalogTracks(db);
  const old = await readVectorCache(dir, PRODUCTION_FILE);
  const cache: VectorCache = old && old.spaceId === PRODUCTION_CACHE_ID ? old : { spaceId: PRODUCTION_CACHE_ID, dim: 0, vectors: new Map() };
  const todo = tracks.filter((t) => !cache.vectors.has(t.hash));
  const duration = db.prepare<[number], { duration: number }>('SELECT duration FROM tracks WHERE id = ?');
  const failed: ProductionUpdate['failed'] = [];
  let computed = 0;
  try {
    for (const t of todo) {
      if (options.signal?.aborted) throw cancelledError('production signatures');
      try {
        const sig = await productionSignature(t.path, duration.get(t.trackId)?.duration ?? 0, options.signal);
        if (sig) {
          cache.vectors.set(t.hash, sig);
          cache.dim = sig.length;
          computed++;
        } else failed.push({ path: t.path, reason: 'silent: no signature' });
      } catch (err) {
        if (options.signal?.aborted) throw cancelledError('production signatures');
        failed.push({ path: t.path, reason: errorMessage(err) });
      }
      options.onProgress?.(computed + failed.length, todo.length);
    }
  } finally {
    // What is done stays done, also when cancelled.
    if (computed > 0) await writeVectorCache(dir, cache, PRODUCTION_FILE);
  }
  return { computed, failed, tracks: tracks.length };
}


/** Why the library needs (re)training, or null when the current space still fits it. */
function trainReason(manifest: SpaceManifest | undefined, tracks: number, spec: string): string | null {
  if (!manifest) return 'no music space yet';
  if (manifest.featureSpec !== spec) return `feature spec changed (${manifest.featureSpec} → ${spec})`;
  if (tracks >= manifest.training.tracks * (1 + RETRAIN_GROWTH)) return `library grew from ${manifest.training.tracks} to ${tracks} tracks`;
  return null;
}

/** Bring the music space in `dir` up to date with the catalog's tracks. */
export async function updateMusicSpace(db: Catalog, dir: string, options: MusicSpaceUpdateOptions = {}): Promise<MusicSpaceUpdate> {
  const production = await updateProductionSignatures(db, dir, {
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (done, total) => options.onProgress?.({ phase: 'production', done, total }),
  });
  const tracks = catalogTracks(db);
  if (tracks.length < MIN_TRACKS_TO_TRAIN) {
    return { kind: 'descriptor-stats', tracks: tracks.length, reason: `${tracks.length} tracks; the music space trains from ${MIN_TRACKS_TO_TRAIN}`, production };
  }
  const seq = (trackId: number): FeatureSeq => getFeatures(db, trackId, 'audio') as FeatureSeq;
  const spec = seq(tracks[0].trackId).spec;
  let manifest = await readSpaceManifest(dir);
  const reason = options.forceTrain ? 'asked for' : trainReason(manifest, tracks.length, spec);
  let trained: 'new' | 'warm-start' | 'no' = 'no';
  if (reason) {
    const warm = manifest && manifest.featureSpec === spec ? await readSpaceWeights(dir) : undefined;
    // In content order, not catalog-id order: parallel indexing numbers the same files differently each
    // time, and the trainer's batches follow this order (second review T8: eval-similar's learned space read
    // MAP@R 0.514, 0.695, 0.710 on one album set, three fresh catalogs).
    const ordered = [...tracks].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const seqs = ordered.map((t) => seq(t.trackId)).filter((s) => s.spec === spec);
    // A warm start refines what the space knows; half the steps are enough.
    const config: Partial<MusicSpaceConfig> = warm ? { ...options.config, steps: Math.ceil((options.config?.steps ?? DEFAULT_MUSIC_SPACE_CONFIG.steps) / 2) } : { ...options.config };
    const result = await trainMusicSpace(seqs, config, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(warm ? { init: warm } : {}),
      onProgress: (p) => options.onProgress?.({ phase: 'train', done: p.step, total: p.steps, loss: p.loss, etaSeconds: p.etaSeconds }),
    });
    manifest = await saveMusicSpace(dir, result, { featureSpec: spec, warmStart: warm !== undefined });
    trained = warm ? 'warm-start' : 'new';
  }
  if (!manifest) throw new Error('unreachable: a music space was trained or found');

  const old = await readVectorCache(dir);
  const cache: VectorCache = old && old.spaceId === manifest.id ? old : { spaceId: manifest.id, dim: manifest.outDim, vectors: new Map() };
  const todo = tracks.filter((t) => !cache.vectors.has(t.hash));
  let embedded = 0;
  if (todo.length > 0) {
    const session = await openMusicSpace(dir, { log: () => {} });
    try {
      for (const t of todo) {
        if (options.signal?.aborted) throw cancelledError('music-space embedding');
        const s = seq(t.trackId);
        if (s.spec !== manifest.featureSpec) continue;
        cache.vectors.set(t.hash, await session.embedTrack(s));
        embedded++;
        options.onProgress?.({ phase: 'embed', done: embedded, total: todo.length });
      }
    } finally {
      await session.close();
      // What is done stays done, also when cancelled.
      if (embedded > 0) await writeVectorCache(dir, cache);
    }
  }
  return { kind: 'learned', manifest, trained, embedded, tracks: tracks.length, production };
}
