import type { Catalog } from './db';

export interface PlaylistRow {
  id: number;
  name: string;
  params: Record<string, unknown>;
  createdAt: number;
  trackIds: number[];
}

function putItems(db: Catalog, id: number, trackIds: readonly number[]): void {
  const item = db.prepare('INSERT INTO playlist_items (playlist_id, position, track_id) VALUES (?, ?, ?)');
  trackIds.forEach((t, i) => item.run(id, i, t));
}

/** Store a playlist with its items in order; `params` records how it was made (seeds, curve…). */
export function createPlaylist(db: Catalog, name: string, trackIds: readonly number[], params: Record<string, unknown> = {}): number {
  return db.transaction(() => {
    const { id } = db
      .prepare<[string, string, number], { id: number }>('INSERT INTO playlists (name, params, created_at) VALUES (?, ?, ?) RETURNING id')
      .get(name, JSON.stringify(params), Date.now())!;
    putItems(db, id, trackIds);
    return id;
  })();
}

export function getPlaylist(db: Catalog, id: number): PlaylistRow | undefined {
  const p = db
    .prepare<[number], { id: number; name: string; params: string; created_at: number }>('SELECT id, name, params, created_at FROM playlists WHERE id = ?')
    .get(id);
  if (!p) return undefined;
  const trackIds = db
    .prepare<[number], { track_id: number }>('SELECT track_id FROM playlist_items WHERE playlist_id = ? ORDER BY position')
    .all(id)
    .map((r) => r.track_id);
  return { id: p.id, name: p.name, params: JSON.parse(p.params) as Record<string, unknown>, createdAt: p.created_at, trackIds };
}

export function listPlaylists(db: Catalog): Array<Omit<PlaylistRow, 'trackIds' | 'params'> & { length: number }> {
  return db
    .prepare<[], { id: number; name: string; created_at: number; length: number }>(
      `SELECT p.id, p.name, p.created_at, (SELECT count(*) FROM playlist_items i WHERE i.playlist_id = p.id) AS length
       FROM playlists p ORDER BY p.id`,
    )
    .all()
    .map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, length: r.length }));
}

/** Remove a playlist with its items; false when there was none with this id. */
export function deletePlaylist(db: Catalog, id: number): boolean {
  return db.prepare('DELETE FROM playlists WHERE id = ?').run(id).changes > 0;
}

/** Give a playlist another name; false when there was none with this id. */
export function renamePlaylist(db: Catalog, id: number, name: string): boolean {
  return db.prepare('UPDATE playlists SET name = ? WHERE id = ?').run(name, id).changes > 0;
}

/**
 * Store a playlist again under its id (the app's Save on a saved playlist it opened): its name,
 * params and items are replaced in one transaction, its creation time kept; false when there was none.
 */
export function replacePlaylist(db: Catalog, id: number, name: string, trackIds: readonly number[], params: Record<string, unknown> = {}): boolean {
  return db.transaction(() => {
    if (db.prepare('UPDATE playlists SET name = ?, params = ? WHERE id = ?').run(name, JSON.stringify(params), id).changes === 0) return false;
    db.prepare('DELETE FROM playlist_items WHERE playlist_id = ?').run(id);
    putItems(db, id, trackIds);
    return true;
  })();
}
