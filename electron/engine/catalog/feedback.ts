import type { Catalog } from './db';

/** One accept/reject judgement from the app: this track, from this offset, under this clip (range). */
export interface Feedback {
  clipPath: string;
  clipStart?: number | null;
  clipEnd?: number | null;
  trackId: number;
  offset: number;
  verdict: 'accept' | 'reject';
}

export interface FeedbackRow extends Feedback {
  id: number;
  createdAt: number;
}

export function addFeedback(db: Catalog, f: Feedback): number {
  return db
    .prepare<[string, number | null, number | null, number, number, string, number], { id: number }>(
      'INSERT INTO feedback (clip_path, clip_start, clip_end, track_id, offset, verdict, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(f.clipPath, f.clipStart ?? null, f.clipEnd ?? null, f.trackId, f.offset, f.verdict, Date.now())!.id;
}

export function listFeedback(db: Catalog): FeedbackRow[] {
  return db
    .prepare<
      [],
      { id: number; clip_path: string; clip_start: number | null; clip_end: number | null; track_id: number; offset: number; verdict: 'accept' | 'reject'; created_at: number }
    >('SELECT id, clip_path, clip_start, clip_end, track_id, offset, verdict, created_at FROM feedback ORDER BY id')
    .all()
    .map((r) => ({
      id: r.id,
      clipPath: r.clip_path,
      clipStart: r.clip_start,
      clipEnd: r.clip_end,
      trackId: r.track_id,
      offset: r.offset,
      verdict: r.verdict,
      createdAt: r.created_at,
    }));
}
