/**
 * The catalog's tracks under one model version, ready to search: a SegmentStore holding every
 * track's segment embeddings, the track rows for display, and a Matcher over the store. Large
 * libraries (above DISK_INDEX_SEGMENTS) are searched from an on-disk segment index instead of
 * loading every segment into memory.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrackView } from '../../contract/types';
import { openCatalog, type Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { iterateSegments, loadSegmentMatrix, segmentsFingerprint, segmentTotals, segmentVersions } from '../catalog/segments';
import { listTracks, listTracksWithoutBeats, trackBeats } from '../catalog/tracks';
import type { TrackRow } from '../catalog/types';
import { codedError, usageError } from '../errors';
import { activeModel } from '../models/registry';
import { Matcher, type MatcherOptions } from '../search/matcher';
import { loadSegmentIndexIn } from '../search/segment-index';
import { SegmentStore } from '../search/segment-store';
import type { Mode, SearchSummary, SearchTrackInfo, TrackId } from '../search/types';
import { trackEnergy, withEnergyMeans } from './energy';
import { brightnessLevel, columnMean, keyLabel, NO_KEY } from './scales';
import { finite } from '../util/finite';

/**
 * Above this many segments a library is searched from an on-disk segment index (f32 rows in a
 * file, int8 scan codes in onnxruntime) rather than loaded: in memory a segment costs ~700 bytes
 * of RSS (f32 row, scan codes, copies while loading; 714 MB at 1M in scripts/bench/search.ts), so
 * 2M segments (~10 000 tracks) is where a library passes ~1.5 GB, while the index opens in ~1 s
 * at any size and stays near 300 MB at 10M. Below it, loading costs no index build.
 */
export const DISK_INDEX_SEGMENTS = 2_000_000;

export interface LibraryOptions {
  /** Shown in error messages (the catalog file). */
  catalogPath?: string;
  matcher?: MatcherOptions;
  /** Segments above which the library is searched from an on-disk index (default DISK_INDEX_SEGMENTS). */
  diskIndexAbove?: number;
  /** Where on-disk segment indexes live (default: `<catalog>.segment-index` beside the catalog file). */
  indexRoot?: string;
  /** Progress notes (e.g. that the on-disk index is being built). */
  log?: (message: string) => void;
  signal?: AbortSignal;
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
  /** Whether the segments are searched from the on-disk index (see DISK_INDEX_SEGMENTS). */
  onDisk: boolean;
  track(id: TrackId): TrackRow;
  view(id: TrackId): TrackView;
  /** Free the matcher's native sessions and close the on-disk index. */
  release(): Promise<void>;
}


/**
 * Whether the indexer flagged a track near-silent (summary.nearSilent, below NEAR_SILENT_LUFS):
 * not music to offer, so match never ranks it and playlists and `similar` leave it out.
 */
export function isNearSilent(summary: TrackRow['summary']): boolean {
  // Catalogs indexed before the flag existed: a stored loudness of null means below the −70 LUFS gate.
  return summary.nearSilent === true || ('loudnessLufs' in summary && summary.loudnessLufs === null);
}

/** `beats`: when the row was listed without them (listTracksWithoutBeats), read on first use. */
function searchSummary(row: TrackRow, beats?: () => number[]): SearchSummary {
  const s = row.summary;
  let read: number[] | undefined;
  return {
    duration: row.duration,
    bpm: finite(s.bpm) ? s.bpm : 0,
    get beats() {
      read ??= beats ? beats() : Array.isArray(s.beats) ? s.beats : [];
      return read;
    },
    key: s.key ?? NO_KEY,
    // Unknown mode counts as "not major" in the valence proxy.
    mode: (s.mode ?? 'minor') as Mode,
    energy: trackEnergy(s),
  };
}

function missingSegmentsError(db: Catalog, version: string, trackCount: number, catalogPath: string) {
  const others = segmentVersions(db).filter((v) => v !== version);
  const hint = others.length > 0 ? ` (it has segments for ${others.map((v) => `"${v}"`).join(', ')})` : '';
  return codedError('not-indexed', catalogPath, `no segment embeddings for model "${version}" among its ${trackCount} tracks${hint}: embed them from the stored features (activating "${version}" does it, or \`needledrop index\` with it active)`);
}

/**
 * The search info of the catalog's tracks: summaries (with the means their energy reads, taken from
 * the stored features once per track and then kept: withEnergyMeans), and brightness read lazily
 * from the stored features.
 */
function trackInfos(db: Catalog, rows: TrackRow[], beats?: (id: TrackId) => number[]): { byId: Map<TrackId, TrackRow>; info(id: TrackId): SearchTrackInfo } {
  withEnergyMeans(db, rows);
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
  return {
    byId,
    info(id) {
      const row = byId.get(id);
      if (!row) throw usageError(`track ${id} is not in the catalog`);
      return { summary: searchSummary(row, beats && (() => beats(id))), mood: { get brightness() { return brightnessOf(id); } } };
    },
  };
}

function library(db: Catalog, version: string, byId: Map<TrackId, TrackRow>, store: SegmentStore, matcher: Matcher, release: () => Promise<void>): Library {
  const track = (id: TrackId): TrackRow => {
    const row = byId.get(id);
    if (!row) throw usageError(`track ${id} is not in the catalog`);
    return row;
  };
  return {
    db,
    version,
    store,
    matcher,
    missing: byId.size - store.trackCount,
    onDisk: store.onDisk,
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
    release,
  };
}

/**
 * Load every track with segments under `version` into memory. An empty catalog, or one without
 * segments for the version, is an input error telling the user to run `needledrop index`.
 */
export function loadLibrary(db: Catalog, version: string, opts: LibraryOptions = {}): Library {
  const where = opts.catalogPath ?? db.name;
  const rows = listTracks(db);
  if (rows.length === 0) throw codedError('not-indexed', where, 'the catalog has no tracks: index your music first');
  const matrix = loadSegmentMatrix(db, version);
  if (matrix.ranges.size === 0) throw missingSegmentsError(db, version, rows.length, where);

  const { byId, info } = trackInfos(db, rows);
  const store = new SegmentStore(matrix.dim);
  for (const [id, { first, count }] of matrix.ranges) {
    if (!byId.has(id)) continue;
    store.addTrack({
      id,
      embeddings: matrix.data.subarray(first * matrix.dim, (first + count) * matrix.dim),
      starts: matrix.starts.subarray(first, first + count),
      ...info(id),
    });
  }
  const matcher = new Matcher(store, opts.matcher);
  return library(db, version, byId, store, matcher, () => matcher.release());
}

/** The folder of a catalog's on-disk segment indexes, beside the catalog file. */
export const segmentIndexRoot = (catalogFile: string): string => `${catalogFile}.segment-index`;

/** The on-disk segment index of one model version under `root` (segmentIndexRoot). */
export const segmentIndexDir = (root: string, version: string): string => join(root, encodeURIComponent(version));

/**
 * The library of `version` for search: loaded into memory up to `diskIndexAbove` segments
 * (DISK_INDEX_SEGMENTS), above that opened from the on-disk segment index under `indexRoot`,
 * which is (re)built from the catalog first when the catalog's segments changed since
 * (segmentsFingerprint). Both give the same rankings.
 */
export async function openSearchLibrary(db: Catalog, version: string, opts: LibraryOptions = {}): Promise<Library> {
  const { segments, dim } = segmentTotals(db, version);
  const catalogFile = opts.catalogPath ?? db.name;
  // An in-memory catalog (tests) has no folder to keep an index beside.
  const root = opts.indexRoot ?? (db.memory ? null : segmentIndexRoot(catalogFile));
  if (segments <= (opts.diskIndexAbove ?? DISK_INDEX_SEGMENTS) || !root) return loadLibrary(db, version, opts);

  const rows = listTracksWithoutBeats(db);
  if (rows.length === 0) throw codedError('not-indexed', catalogFile, 'the catalog has no tracks: index your music first');
  const { byId, info } = trackInfos(db, rows, (id) => trackBeats(db, id));
  const key = segmentsFingerprint(db, version);
  const started = performance.now();
  const onBuild = (): void => opts.log?.(`building the on-disk segment index of ${segments} segments for "${version}" (once per change of the catalog's segments)`);
  const index = await loadSegmentIndexIn(segmentIndexDir(root, version), key, dim, () => iterateSegments(db, version), info, { onBuild, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (index.built) opts.log?.(`built the on-disk segment index of ${segments} segments for "${version}" in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const matcher = new Matcher(index.store, { ...opts.matcher, scanner: index.scan });
  return library(db, version, byId, index.store, matcher, async () => {
    await matcher.release();
    await index.close();
  });
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
