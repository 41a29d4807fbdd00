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

/**
 * How far a clip range's end may pass the clip's last frame: match reports ranges on the 0.5 s
 * descriptor grid (review S6), and the app records the range it showed.
 */
export const RANGE_END_SLACK = 0.5;

/**
 * Why a judgement cannot be, or null: its clip range must lie in the clip (start before the clip's
 * end, end after start and not past the clip's end) and its offset before the track's end.
 * Checked when one is recorded and again when fine-tuning reads older ones.
 */
export function judgementProblem(f: Pick<Feedback, 'clipStart' | 'clipEnd' | 'offset'>, clipSeconds: number, trackSeconds: number): { range: string } | { offset: string } | null {
  const start = f.clipStart ?? 0;
  if (f.clipEnd != null && !(f.clipEnd > start)) return { range: `the clip range ends at ${f.clipEnd} s, not after its start ${start} s` };
  if (start >= clipSeconds) return { range: `the clip range starts at ${start} s, at or past the clip's end (${clipSeconds.toFixed(2)} s)` };
  if (f.clipEnd != null && f.clipEnd > clipSeconds + RANGE_END_SLACK) return { range: `the clip range ends at ${f.clipEnd} s, past the clip's end (${clipSeconds.toFixed(2)} s)` };
  if (!(f.offset < trackSeconds)) return { offset: `offset ${f.offset} s is at or past the track's end (${trackSeconds.toFixed(2)} s)` };
  return null;
}

/**
 * What a judgement is of: a track under a clip range (review R2.10). The offset is not part of it:
 * the user answers whether this track fits this range, from the offset they settled on, and the
 * windows of one track at two nearby offsets share most of their music, so an accept at one and a
 * reject at another would train the same pair both ways. A missing start is the clip's start.
 */
export type JudgementKey = Pick<Feedback, 'clipPath' | 'clipStart' | 'clipEnd' | 'trackId'>;

/** The catalog's unique index on a judgement's key (migration 2), as a WHERE clause. */
const SAME_JUDGEMENT = 'clip_path = ? AND COALESCE(clip_start, 0) = COALESCE(?, 0) AND COALESCE(clip_end, -1) = COALESCE(?, -1) AND track_id = ?';
const keyParams = (k: JudgementKey): [string, number | null, number | null, number] => [k.clipPath, k.clipStart ?? null, k.clipEnd ?? null, k.trackId];

type FeedbackDbRow = { id: number; clip_path: string; clip_start: number | null; clip_end: number | null; track_id: number; offset: number; verdict: 'accept' | 'reject'; created_at: number };
const COLUMNS = 'id, clip_path, clip_start, clip_end, track_id, offset, verdict, created_at';
const fromRow = (r: FeedbackDbRow): FeedbackRow => ({
  id: r.id,
  clipPath: r.clip_path,
  clipStart: r.clip_start,
  clipEnd: r.clip_end,
  trackId: r.track_id,
  offset: r.offset,
  verdict: r.verdict,
  createdAt: r.created_at,
});

/** Store a judgement; it replaces the one of the same clip range × track (its verdict and offset), if any. Returns its id. */
export function addFeedback(db: Catalog, f: Feedback): number {
  return db.transaction(() => {
    db.prepare<[string, number | null, number | null, number]>(`DELETE FROM feedback WHERE ${SAME_JUDGEMENT}`).run(...keyParams(f));
    return db
      .prepare<[string, number | null, number | null, number, number, string, number], { id: number }>(
        'INSERT INTO feedback (clip_path, clip_start, clip_end, track_id, offset, verdict, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
      )
      .get(f.clipPath, f.clipStart ?? null, f.clipEnd ?? null, f.trackId, f.offset, f.verdict, Date.now())!.id;
  })();
}

/** Take back the judgement of a clip range × track: the row removed, or null when there was none. */
export function withdrawFeedback(db: Catalog, k: JudgementKey): FeedbackRow | null {
  const row = db.prepare<[string, number | null, number | null, number], FeedbackDbRow>(`DELETE FROM feedback WHERE ${SAME_JUDGEMENT} RETURNING ${COLUMNS}`).get(...keyParams(k));
  return row ? fromRow(row) : null;
}

export function listFeedback(db: Catalog): FeedbackRow[] {
  return db.prepare<[], FeedbackDbRow>(`SELECT ${COLUMNS} FROM feedback ORDER BY id`).all().map(fromRow);
}
