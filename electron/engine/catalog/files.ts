import { sep } from 'node:path';
import type { Catalog } from './db';
import type { FileRow } from './types';

interface FileDb {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  hash: string;
}

const toRow = (r: FileDb): FileRow => ({ id: r.id, path: r.path, size: r.size, mtimeMs: r.mtime_ms, hash: r.hash });

/** Every catalogued file whose path lies under one of `roots` (absolute, normalised). */
export function filesUnder(db: Catalog, roots: readonly string[]): FileRow[] {
  const stmt = db.prepare<[string, string, string], FileDb>(
    // substr instead of LIKE: paths may contain % and _.
    'SELECT id, path, size, mtime_ms, hash FROM files WHERE path = ? OR substr(path, 1, length(?)) = ?',
  );
  const seen = new Map<number, FileRow>();
  for (const root of roots) {
    const prefix = root.endsWith(sep) ? root : root + sep;
    for (const r of stmt.all(root, prefix, prefix)) seen.set(r.id, toRow(r));
  }
  return [...seen.values()];
}

export function fileByPath(db: Catalog, path: string): FileRow | undefined {
  const r = db.prepare<[string], FileDb>('SELECT id, path, size, mtime_ms, hash FROM files WHERE path = ?').get(path);
  return r && toRow(r);
}

export function filesByHash(db: Catalog, hash: string): FileRow[] {
  return db.prepare<[string], FileDb>('SELECT id, path, size, mtime_ms, hash FROM files WHERE hash = ?').all(hash).map(toRow);
}

/** Every catalogued file of this size (in bytes, as last indexed). */
export function filesBySize(db: Catalog, size: number): FileRow[] {
  return db.prepare<[number], FileDb>('SELECT id, path, size, mtime_ms, hash FROM files WHERE size = ?').all(size).map(toRow);
}

/** Same content seen again with a new mtime (e.g. `touch`): refresh the stat, keep the analysis. */
export function updateFileStat(db: Catalog, id: number, stat: { size: number; mtimeMs: number }): void {
  db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE id = ?').run(stat.size, Math.trunc(stat.mtimeMs), id);
}

/** A file moved: its row (and so its track, features, segments, playlists, feedback) follows it. */
export function moveFile(db: Catalog, id: number, to: { path: string; size: number; mtimeMs: number }): void {
  db.prepare('UPDATE files SET path = ?, size = ?, mtime_ms = ? WHERE id = ?').run(to.path, to.size, Math.trunc(to.mtimeMs), id);
}

/** Remove files from the catalog; foreign keys cascade to tracks and everything hanging off them. */
export function deleteFiles(db: Catalog, ids: readonly number[]): void {
  const stmt = db.prepare('DELETE FROM files WHERE id = ?');
  db.transaction(() => {
    for (const id of ids) stmt.run(id);
  })();
}
