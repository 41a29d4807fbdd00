import { createHash } from 'node:crypto';
import { blobToF32, f32ToBlob } from './blob';
import type { Catalog } from './db';
import { assertFinite } from './finite';
import type { SegmentSet } from './types';

/**
 * Segment embeddings are stored one row per track per model version (starts and vectors as
 * two float32 blobs) rather than one row per segment: search loads a whole model version into
 * one matrix, which is one sequential scan of ~N tracks instead of ~N×segments rows, and a
 * track's segments are only ever written and replaced together.
 */
export function putSegments(db: Catalog, trackId: number, modelVersion: string, set: SegmentSet): void {
  const n = set.starts.length;
  if (set.data.length !== n * set.dim) throw new Error(`segment data has ${set.data.length} values, expected ${n}×${set.dim}`);
  assertFinite(set.data, `segments of track ${trackId}`);
  assertFinite(set.starts, `segment starts of track ${trackId}`);
  db.prepare(
    `INSERT INTO segments (track_id, model_version, n, dim, starts, data) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (model_version, track_id) DO UPDATE SET n = excluded.n, dim = excluded.dim,
       starts = excluded.starts, data = excluded.data`,
  ).run(trackId, modelVersion, n, set.dim, f32ToBlob(set.starts), f32ToBlob(set.data));
}

export function getSegments(db: Catalog, trackId: number, modelVersion: string): SegmentSet | undefined {
  const r = db
    .prepare<[number, string], { dim: number; starts: Buffer; data: Buffer }>(
      'SELECT dim, starts, data FROM segments WHERE track_id = ? AND model_version = ?',
    )
    .get(trackId, modelVersion);
  return r && { dim: r.dim, starts: blobToF32(r.starts), data: blobToF32(r.data) };
}

/** All segments of one model version as one matrix, for search. Row i belongs to track trackIds[i]. */
export interface SegmentMatrix {
  dim: number;
  trackIds: Int32Array;
  starts: Float32Array;
  data: Float32Array;
  /** Per track: its first row and row count, in trackIds order of first appearance. */
  ranges: Map<number, { first: number; count: number }>;
}

/** How many segment rows (and of which dim) a model version has: decides between loading them and the on-disk segment index. */
export function segmentTotals(db: Catalog, modelVersion: string): { segments: number; dim: number } {
  const head = db
    .prepare<[string], { rows: number | null; dim: number | null }>('SELECT sum(n) AS rows, max(dim) AS dim FROM segments WHERE model_version = ?')
    .get(modelVersion);
  return { segments: head?.rows ?? 0, dim: head?.dim ?? 0 };
}

export function loadSegmentMatrix(db: Catalog, modelVersion: string): SegmentMatrix {
  const { segments: rows, dim } = segmentTotals(db, modelVersion);
  const trackIds = new Int32Array(rows);
  const starts = new Float32Array(rows);
  const data = new Float32Array(rows * dim);
  const ranges = new Map<number, { first: number; count: number }>();
  let at = 0;
  for (const r of iterateSegments(db, modelVersion)) {
    if (r.dim !== dim) throw new Error(`model version ${modelVersion} mixes segment dims ${r.dim} and ${dim}`);
    const n = r.starts.length;
    ranges.set(r.id, { first: at, count: n });
    trackIds.fill(r.id, at, at + n);
    starts.set(r.starts, at);
    data.set(r.embeddings, at * dim);
    at += n;
  }
  return { dim, trackIds, starts, data, ranges };
}

/** One track's segments as stored: what an on-disk segment index is built from. */
export interface TrackSegmentRows {
  id: number;
  dim: number;
  starts: Float32Array;
  embeddings: Float32Array;
}

/** Each track's segments under one model version in track id order, read one track at a time. */
export function* iterateSegments(db: Catalog, modelVersion: string): Generator<TrackSegmentRows> {
  const it = db
    .prepare<[string], { track_id: number; dim: number; starts: Buffer; data: Buffer }>(
      'SELECT track_id, dim, starts, data FROM segments WHERE model_version = ? ORDER BY track_id',
    )
    .iterate(modelVersion);
  for (const r of it) yield { id: r.track_id, dim: r.dim, starts: blobToF32(r.starts), embeddings: blobToF32(r.data) };
}

/**
 * What a copy of one model version's segments (the on-disk segment index) depends on: each
 * track's id, segment count and dim, and its file's content hash and analysis time. Segments are
 * a function of the file's content and the model version, so this changes whenever they can;
 * it reads no embedding blob, so it is cheap enough to check on every open.
 */
export function segmentsFingerprint(db: Catalog, modelVersion: string): string {
  const hash = createHash('sha256').update(JSON.stringify({ modelVersion }));
  const it = db
    .prepare<[string], { track_id: number; n: number; dim: number; hash: string; indexed_at: number }>(
      `SELECT s.track_id, s.n, s.dim, f.hash, f.indexed_at FROM segments s
       JOIN tracks t ON t.id = s.track_id JOIN files f ON f.id = t.file_id
       WHERE s.model_version = ? ORDER BY s.track_id`,
    )
    .iterate(modelVersion);
  for (const r of it) hash.update(`${r.track_id} ${r.n} ${r.dim} ${r.hash} ${r.indexed_at}\n`);
  return hash.digest('hex');
}

/** Tracks with stored audio features but no segments under `modelVersion`: the re-embed work list. */
export function tracksMissingSegments(db: Catalog, modelVersion: string): number[] {
  return db
    .prepare<[string], { id: number }>(
      `SELECT t.id FROM tracks t JOIN features f ON f.track_id = t.id AND f.modality = 'audio'
       WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.track_id = t.id AND s.model_version = ?) ORDER BY t.id`,
    )
    .all(modelVersion)
    .map((r) => r.id);
}

export function segmentVersions(db: Catalog): string[] {
  return db.prepare<[], { v: string }>('SELECT DISTINCT model_version AS v FROM segments ORDER BY v').all().map((r) => r.v);
}

/** How many tracks have segments under `modelVersion`. */
export function segmentTrackCount(db: Catalog, modelVersion: string): number {
  return db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM segments WHERE model_version = ?').get(modelVersion)?.n ?? 0;
}

/** Drop every segment of `modelVersion` (a deleted version: a later one of the same name must not find them). Returns the rows dropped. */
export function deleteSegmentsOf(db: Catalog, modelVersion: string): number {
  return db.prepare('DELETE FROM segments WHERE model_version = ?').run(modelVersion).changes;
}
