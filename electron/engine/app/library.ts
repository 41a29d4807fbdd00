/**
 * The catalog's tracks under one model version, ready to search: a SegmentStore holding every
 * track's segment embeddings, the track rows for display, and a Matcher over the store.
 */
import { existsSync } from 'node:fs';
import type { TrackView } from '../../contract/types';
import { openCatalog, type Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { loadSegmentMatrix, segmentVersions } from '../catalog/segments';
import { listTracks } from '../catalog/tracks';
import type { TrackRow } from '../catalog/types';
import { codedError, usageError } from '../errors';
import { activeModel } from '../models/registry';
import { Matcher, type MatcherOptions } from '../search/matcher';
import { SegmentStore } from '../search/segment-store';
import type { Mode, SearchSummary, SearchTrackInfo, TrackId } from '../search/types';
import { brightnessLevel, columnMean, energyLevel, keyLabel } from './scales';

export interface LibraryOptions {
  /** Shown in error messages (the catalog file). */
  catalogPath?: string;
  matcher?: MatcherOptions;
}

/** What the fronts show for one track: the contract's TrackView. */
export type { TrackView } from '../../contract/types';

export interface Library {
  db: Catalog;
  /** Model version whose segments are loaded. */
  version: string;
  store: SegmentStore;
  matcher: Matcher;
  /** Catalogued tracks without segments for this version (not searchable until re-indexed). */
  missing: number;
  track(id: TrackId): TrackRow;
  view(id: TrackId): TrackView;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Track energy on the app's 0..1 scale: from the whole-track RMS when the analyser stored it. */
export function trackEnergy(summary: TrackRow['summary']): number {
  if (finite(summary.rmsDb)) return energyLevel(summary.rmsDb);
  return finite(summary.energy) ? Math.min(1, Math.max(0, summary.energy)) : 0;
}

function searchSummary(row: TrackRow): SearchSummary {
  const s = row.summary;
  return {
    duration: row.duration,
    bpm: finite(s.bpm) ? s.bpm : 0,
    beats: Array.isArray(s.beats) ? s.beats : [],
    key: s.key ?? '?',
    // Unknown mode counts as "not major" in the valence proxy.
    mode: (s.mode ?? 'minor') as Mode,
    energy: trackEnergy(s),
  };
}

function missingSegmentsError(db: Catalog, version: string, trackCount: number, catalogPath: string) {
  const others = segmentVersions(db).filter((v) => v !== version);
  const hint = others.length > 0 ? ` (it has segments for ${others.map((v) => `"${v}"`).join(', ')})` : '';
  return codedError('not-indexed', catalogPath, `no segment embeddings for model "${version}" among its ${trackCount} tracks${hint}: index the library with "${version}" active to embed them`);
}

/**
 * Load every track with segments under `version`. An empty catalog, or one without segments
 * for the version, is an input error telling the user to run `needledrop index`.
 */
export function loadLibrary(db: Catalog, version: string, opts: LibraryOptions = {}): Library {
  const where = opts.catalogPath ?? db.name;
  const rows = listTracks(db);
  if (rows.length === 0) throw codedError('not-indexed', where, 'the catalog has no tracks: index your music first');
  const matrix = loadSegmentMatrix(db, version);
  if (matrix.ranges.size === 0) throw missingSegmentsError(db, version, rows.length, where);

  const byId = new Map(rows.map((r) => [r.id, r]));
  const brightness = new Map<TrackId, number>();
  // Spectral brightness needs the stored features: read lazily, only for tracks that get explained.
  const brightnessOf = (id: TrackId): number => {
    let b = brightness.get(id);
    if (b === undefined) {
      const row = byId.get(id);
      const stored = row?.summary.centroidHz;
      const seq = finite(stored) ? undefined : getFeatures(db, id, 'audio');
      b = brightnessLevel(finite(stored) ? stored : seq ? columnMean(seq.data, seq.names, seq.D, 'centroid_hz') : 0);
      brightness.set(id, b);
    }
    return b;
  };

  const store = new SegmentStore(matrix.dim);
  for (const [id, { first, count }] of matrix.ranges) {
    const row = byId.get(id);
    if (!row) continue;
    const info: SearchTrackInfo = { summary: searchSummary(row), mood: { get brightness() { return brightnessOf(id); } } };
    store.addTrack({
      id,
      embeddings: matrix.data.subarray(first * matrix.dim, (first + count) * matrix.dim),
      starts: matrix.starts.subarray(first, first + count),
      ...info,
    });
  }

  const track = (id: TrackId): TrackRow => {
    const row = byId.get(id);
    if (!row) throw usageError(`track ${id} is not in the catalog`);
    return row;
  };
  return {
    db,
    version,
    store,
    matcher: new Matcher(store, opts.matcher),
    missing: rows.length - store.trackCount,
    track,
    view(id) {
      const r = track(id);
      return {
        id,
        path: r.path,
        title: r.title,
        artist: r.artist,
        duration: r.duration,
        bpm: finite(r.summary.bpm) ? r.summary.bpm : null,
        key: keyLabel(r.summary.key, r.summary.mode),
        energy: Math.round(trackEnergy(r.summary) * 1000) / 1000,
      };
    },
  };
}

/** Open a catalog that must already exist: searching a path with no catalog should not create one. */
export function openExistingCatalog(dbPath: string): Catalog {
  if (!existsSync(dbPath)) throw codedError('not-indexed', dbPath, 'no catalog here: index your music first');
  return openCatalog(dbPath);
}

/** Open a catalog file and load the library of `version` (default: the active model); close() closes the catalog. */
export async function openLibrary(dbPath: string, version?: string): Promise<Library & { close(): void }> {
  const db = openExistingCatalog(dbPath);
  try {
    const library = loadLibrary(db, version ?? (await activeModel()), { catalogPath: dbPath });
    return { ...library, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}
