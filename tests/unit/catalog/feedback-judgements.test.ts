/**
 * One judgement per clip range × track (review R2.10: accept, reject, accept of one track under one
 * clip range were three rows, and fine-tuning trained on each). A catalog written by the old code
 * (schema 1, its own INSERT) holding duplicates is migrated: each clip range × track keeps its
 * latest row, whatever its offset; then a record replaces and a withdraw removes.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { addFeedback, listFeedback, withdrawFeedback } from '../../../electron/engine/catalog/feedback';
import { migrate, MIGRATIONS } from '../../../electron/engine/catalog/migrations';

const tmp = mkdtempSync(join(tmpdir(), 'nd-feedback-judgements-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The old code's feedback INSERT (catalog/feedback.ts before R2.10), on a schema-1 catalog with tracks 1 and 2. */
function oldCatalog(path: string, rows: Array<[string, number | null, number | null, number, number, 'accept' | 'reject']>): void {
  const db = new Database(path);
  migrate(db, MIGRATIONS.filter((m) => m.version === 1));
  for (const id of [1, 2]) {
    db.prepare('INSERT INTO files (id, path, size, mtime_ms, hash, indexed_at) VALUES (?, ?, 1, 1, ?, 1)').run(id, `/music/${id}.flac`, `h${id}`);
    db.prepare("INSERT INTO tracks (id, file_id, duration, summary) VALUES (?, ?, 120, '{}')").run(id, id);
  }
  const insert = db.prepare('INSERT INTO feedback (clip_path, clip_start, clip_end, track_id, offset, verdict, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id');
  rows.forEach((r, i) => insert.get(...r, 1_000 + i));
  db.close();
}

const judged = (db: Parameters<typeof listFeedback>[0]) => listFeedback(db).map((f) => [f.id, f.clipPath, f.clipStart, f.clipEnd, f.trackId, f.offset, f.verdict]);

describe('feedback judgements', () => {
  it('the migration folds an old catalog’s duplicates to the latest of each clip range × track', () => {
    const path = join(tmp, 'old.sqlite');
    oldCatalog(path, [
      ['/clips/a.mp4', 0, 9.64, 1, 1.5, 'accept'], // 1
      ['/clips/a.mp4', 0, 9.64, 1, 1.5, 'reject'], // 2
      ['/clips/a.mp4', 0, 9.64, 2, 0, 'accept'], // 3: another track
      ['/clips/a.mp4', 2, 6, 1, 4, 'reject'], // 4: another range
      ['/clips/a.mp4', 0, 9.64, 1, 3, 'accept'], // 5: latest of 1, 2 (another offset: the same judgement)
      ['/clips/b.mp4', null, null, 1, 0, 'reject'], // 6: no range given = from the clip's start
      ['/clips/b.mp4', 0, null, 1, 2, 'accept'], // 7: the same range as 6, later
      ['/clips/a.mp4', 0, 9.64, 2, 0, 'accept'], // 8: Enter pressed twice: latest of 3
    ]);
    const db = openCatalog(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(judged(db)).toEqual([
        [4, '/clips/a.mp4', 2, 6, 1, 4, 'reject'],
        [5, '/clips/a.mp4', 0, 9.64, 1, 3, 'accept'],
        [7, '/clips/b.mp4', 0, null, 1, 2, 'accept'],
        [8, '/clips/a.mp4', 0, 9.64, 2, 0, 'accept'],
      ]);
      // The catalog itself now refuses a second row for a judgement.
      expect(() => db.prepare("INSERT INTO feedback (clip_path, clip_start, clip_end, track_id, offset, verdict, created_at) VALUES ('/clips/a.mp4', 0, 9.64, 2, 5, 'reject', 1)").run()).toThrow(/UNIQUE/);
    } finally {
      db.close();
    }
  });

  it('a record replaces the judgement of its clip range × track; a withdraw removes it', () => {
    const path = join(tmp, 'new.sqlite');
    oldCatalog(path, []);
    const db = openCatalog(path);
    try {
      const base = { clipPath: '/clips/a.mp4', clipStart: 0, clipEnd: 9.64, trackId: 1 };
      addFeedback(db, { ...base, offset: 1.5, verdict: 'accept' });
      addFeedback(db, { ...base, offset: 1.5, verdict: 'reject' });
      addFeedback(db, { ...base, trackId: 2, offset: 0, verdict: 'accept' });
      const last = addFeedback(db, { ...base, offset: 2, verdict: 'accept' });
      expect(listFeedback(db).map((f) => [f.trackId, f.offset, f.verdict])).toEqual([
        [2, 0, 'accept'],
        [1, 2, 'accept'],
      ]);
      expect(listFeedback(db)[1].id).toBe(last);
      // Withdrawn by its range and track (not its offset); a second withdraw finds nothing.
      expect(withdrawFeedback(db, base)).toMatchObject({ id: last, trackId: 1, offset: 2, verdict: 'accept' });
      expect(withdrawFeedback(db, base)).toBeNull();
      // Another range of the same track is another judgement.
      expect(withdrawFeedback(db, { ...base, trackId: 2, clipStart: 1 })).toBeNull();
      expect(listFeedback(db).map((f) => [f.trackId, f.verdict])).toEqual([[2, 'accept']]);
    } finally {
      db.close();
    }
  });
});
