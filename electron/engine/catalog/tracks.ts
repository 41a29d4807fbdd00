import type { FeatureSeq } from '../features/types';
import { inputError } from '../errors';
import type { Catalog } from './db';
import { putFeatures } from './features';
import { assertFinite } from './finite';
import { putSegments } from './segments';
import type { FileRow, SegmentSet, TrackInfo, TrackRow, TrackSummary } from './types';

/** Everything indexing one audio file produces, written together. */
export interface AnalysisRecord {
  file: Omit<FileRow, 'id'>;
  info: TrackInfo;
  summary: TrackSummary;
  features: FeatureSeq;
  segments?: { modelVersion: string; set: SegmentSet };
}

/**
 * Commit one file's analysis in one transaction: the file row, its track (same id as before if
 * the file was analysed already, so playlists and feedback keep pointing at it), its audio
 * features, and its segments. Segments of other model versions are dropped: they describe the
 * old content. A crash before the commit leaves no trace of the file.
 */
export function saveAnalysis(db: Catalog, rec: AnalysisRecord): { fileId: number; trackId: number } {
  const refuse = (where: string): Error => inputError(rec.file.path, `its analysis holds a non-finite number (NaN or infinite) at ${where}; not catalogued`);
  assertFinite({ info: rec.info, summary: rec.summary, features: rec.features.data, segments: rec.segments?.set.data }, 'analysis', refuse);
  return db.transaction(() => {
    const { id: fileId } = db
      .prepare<[string, number, number, string, number], { id: number }>(
        `INSERT INTO files (path, size, mtime_ms, hash, indexed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
           hash = excluded.hash, indexed_at = excluded.indexed_at
         RETURNING id`,
      )
      .get(rec.file.path, rec.file.size, Math.trunc(rec.file.mtimeMs), rec.file.hash, Date.now())!;
    const { id: trackId } = db
      .prepare<[number, string | null, string | null, string | null, number, string], { id: number }>(
        `INSERT INTO tracks (file_id, title, artist, album, duration, summary) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (file_id) DO UPDATE SET title = excluded.title, artist = excluded.artist,
           album = excluded.album, duration = excluded.duration, summary = excluded.summary
         RETURNING id`,
      )
      .get(fileId, rec.info.title, rec.info.artist, rec.info.album, rec.info.duration, JSON.stringify(rec.summary))!;
    putFeatures(db, trackId, 'audio', rec.features);
    db.prepare('DELETE FROM segments WHERE track_id = ?').run(trackId);
    if (rec.segments) putSegments(db, trackId, rec.segments.modelVersion, rec.segments.set);
    return { fileId, trackId };
  })();
}

/** Ids of files whose track summary was stamped by an analyzer older than `version` (unstamped = 1). */
export function filesAnalysedBefore(db: Catalog, version: number): Set<number> {
  const rows = db
    .prepare<[number], { file_id: number }>("SELECT file_id FROM tracks WHERE coalesce(json_extract(summary, '$.analysisVersion'), 1) < ?")
    .all(version);
  return new Set(rows.map((r) => r.file_id));
}

interface TrackDb {
  id: number;
  file_id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  duration: number;
  summary: string;
}

const SELECT = 'SELECT t.id, t.file_id, f.path, t.title, t.artist, t.album, t.duration, t.summary FROM tracks t JOIN files f ON f.id = t.file_id';

const toRow = (r: TrackDb): TrackRow => ({
  id: r.id,
  fileId: r.file_id,
  path: r.path,
  title: r.title,
  artist: r.artist,
  album: r.album,
  duration: r.duration,
  summary: JSON.parse(r.summary) as TrackSummary,
});

export function listTracks(db: Catalog): TrackRow[] {
  return db.prepare<[], TrackDb>(`${SELECT} ORDER BY t.id`).all().map(toRow);
}

/**
 * Every track like listTracks, but with `summary.beats` left out (read them with trackBeats):
 * opening a 50 000-track library for search would otherwise parse ~25M beat times, seconds and
 * hundreds of MB, when a query needs the beats of its ~50 shortlisted tracks only.
 */
export function listTracksWithoutBeats(db: Catalog): TrackRow[] {
  return db.prepare<[], TrackDb>(`${SELECT.replace('t.summary', "json_remove(t.summary, '$.beats') AS summary")} ORDER BY t.id`).all().map(toRow);
}

/** One track's beat times (summary.beats); empty when it has none or is not in the catalog. */
export function trackBeats(db: Catalog, id: number): number[] {
  const r = db.prepare<[number], { beats: string | null }>("SELECT json_extract(summary, '$.beats') AS beats FROM tracks WHERE id = ?").get(id);
  const beats: unknown = r?.beats ? JSON.parse(r.beats) : [];
  return Array.isArray(beats) ? (beats as number[]) : [];
}

export function getTrack(db: Catalog, id: number): TrackRow | undefined {
  const r = db.prepare<[number], TrackDb>(`${SELECT} WHERE t.id = ?`).get(id);
  return r && toRow(r);
}

export function trackByPath(db: Catalog, path: string): TrackRow | undefined {
  const r = db.prepare<[string], TrackDb>(`${SELECT} WHERE f.path = ?`).get(path);
  return r && toRow(r);
}

export function countTracks(db: Catalog): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM tracks').get()!.n;
}
