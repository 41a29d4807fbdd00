/**
 * The Explore map: every track placed from the space `similar` and the playlists use, under the
 * "explore" weights (SPACE_WEIGHTS.explore: music space ½, cross-modal mood space ½), so tracks
 * that sound alike sit together and the mood axis the playlists follow is visible. The music
 * space is the learned one mixed with descriptor statistics once the library has a learned
 * space, descriptor statistics alone before. The layout (map/layout.ts) is cached on disk per
 * catalog state, model version and music space: a revisit of a 10,000-track library is a read.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MapPoint, TrackMap } from '../../contract/types';
import type { Library } from '../app/library';
import { cancelledError } from '../errors';
import { layoutOffThread } from '../map/layout-thread';
import { valenceProxy } from '../search/explain';
import type { Mode } from '../search/types';
import { readSpaceManifest } from '../similarity/model';
import { catalogTracks } from '../similarity/space';
import { PRODUCTION_FILE } from '../similarity/production';
import { VECTORS_FILE } from '../similarity/vector-cache';
import { round } from '../util/round';
import type { JobHandle } from './jobs';
import { combinedTrackVectors, musicSpaceDir, spaceProgress, type MusicSpaceCache } from './music-space';
import { isLiveTemporary, writeFileAtomic } from '../util/atomic-write';

/**
 * Bump when the layout, what it is computed from or what its points carry changes: older cached maps
 * are then ignored. (2: the music space became the track profile. 3: a point's energy follows the
 * music, no longer the RMS: app/energy.ts.)
 */
const LAYOUT_VERSION = 3;
const SEED = 7;
export const mapCacheDir = (dataDir: string): string => join(dataDir, 'map-cache');

interface CachedMap {
  key: string;
  /** The model version it was laid out under (a deleted version's map goes with it: forgetMapsOf). */
  version?: string;
  map: Omit<TrackMap, 'cached'>;
}

/** What the map depends on: model version, tracks and their content, the learned space and its vectors, the production signatures. */
async function stateKey(lib: Library, dataDir: string): Promise<string> {
  const dir = musicSpaceDir(dataDir);
  const manifest = existsSync(dir) ? await readSpaceManifest(dir) : undefined;
  const vectors = join(dir, VECTORS_FILE);
  const v = existsSync(vectors) ? statSync(vectors) : null;
  const production = join(dir, PRODUCTION_FILE);
  const p = existsSync(production) ? statSync(production) : null;
  const h = createHash('sha256');
  h.update(JSON.stringify({ LAYOUT_VERSION, SEED, version: lib.version, space: manifest?.id ?? null, vectors: v ? [v.size, v.mtimeMs] : null, production: p ? [p.size, p.mtimeMs] : null }));
  for (const t of catalogTracks(lib.db)) h.update(`${t.trackId}:${t.hash}:${lib.store.has(t.trackId) ? 1 : 0}\n`);
  return h.digest('hex');
}

async function readCached(dataDir: string, key: string): Promise<CachedMap | undefined> {
  const file = join(mapCacheDir(dataDir), `${key}.json`);
  if (!existsSync(file)) return undefined;
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as CachedMap;
    return doc.key === key && Array.isArray(doc.map?.points) ? doc : undefined;
  } catch {
    // A damaged cache file is recomputed, never an error.
    return undefined;
  }
}

/** Keep only the newest map: older catalog states are never shown again. */
function writeCached(dataDir: string, doc: CachedMap): void {
  const dir = mapCacheDir(dataDir);
  mkdirSync(dir, { recursive: true });
  // Another process's map being written right now keeps its temporary file.
  for (const name of readdirSync(dir)) if (name !== `${doc.key}.json` && !isLiveTemporary(name)) rmSync(join(dir, name), { force: true });
  const file = join(dir, `${doc.key}.json`);
  writeFileAtomic(file, JSON.stringify(doc));
}

/**
 * Drop the cached map laid out under `version` (a deleted model version): its key names the
 * version, not its weights, so a later version of the same name over the same tracks would read it.
 */
export function forgetMapsOf(dataDir: string, version: string): void {
  const dir = mapCacheDir(dataDir);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      if ((JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<CachedMap>).version === version) rmSync(join(dir, name), { force: true });
    } catch {
      // Unreadable: never served anyway (readCached).
    }
  }
}

/** A track's valence on the app's 0..1 scale: the proxy `match` explains moods with (major mode, bright spectrum). */
export function trackValence(lib: Library, id: number): number {
  const mode = (lib.track(id).summary.mode ?? 'minor') as Mode;
  return valenceProxy(mode === 'major' ? 'major' : 'minor', lib.store.info(id).mood.brightness);
}

/** The map of the library under `lib`'s model version: from the cache when nothing changed. */
export async function trackMap(lib: Library, dataDir: string, cache: MusicSpaceCache, job: JobHandle): Promise<TrackMap> {
  job.progress('vectors', 0, 1);
  const key = await stateKey(lib, dataDir);
  const hit = await readCached(dataDir, key);
  if (hit) {
    job.progress('vectors', 1, 1);
    return { ...hit.map, cached: true };
  }
  // A first build counts its tracks, then the re-ranking's steps (spaceProgress), and stops between two tracks on cancel, as a playlist's does.
  const progress = spaceProgress(job);
  const { vectors: space, parts } = await combinedTrackVectors(lib, dataDir, cache, 'explore', progress.control);
  progress.end();
  // On a worker thread from UMAP_FROM tracks: the engine keeps answering while umap-js fits.
  const layout = await layoutOffThread(space.data, space.dim, {
    seed: SEED,
    signal: job.signal,
    onProgress: (phase, done, total) => job.progress(phase, done, total),
  });
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const points: MapPoint[] = space.trackIds.map((id, i) => {
    const v = lib.view(id);
    return { id, x: round(layout.points[i][0], 4), y: round(layout.points[i][1], 4), energy: v.energy, valence: round(trackValence(lib, id), 3), bpm: v.bpm };
  });
  const map: Omit<TrackMap, 'cached'> = {
    method: layout.method,
    spaces: parts.map((p) => ({ space: p.vectors.space, weight: round(p.weight / total, 3) })),
    points,
    missing: catalogTracks(lib.db).length - points.length,
  };
  // A cancel that came after the layout's last check keeps nothing: the job ends cancelled.
  if (job.signal.aborted) throw cancelledError('map');
  try {
    writeCached(dataDir, { key, version: lib.version, map });
  } catch {
    // The map is computed; a cache that cannot be written (disk full, a file in its place) only
    // costs the next visit a recompute, so it must not fail this request.
  }
  return { ...map, cached: false };
}
