import type { Catalog } from '../catalog/db';
import { pidAlive } from '../util/pid';

export type JobState = 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobRow {
  id: number;
  kind: string;
  state: JobState;
  progress: number;
  done: number;
  total: number;
  pid: number | null;
  detail: unknown;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

/**
 * Jobs left 'running' by a process that no longer exists (kill -9, power loss) become
 * 'interrupted', so the UI can offer to resume them.
 */
export function markInterruptedJobs(db: Catalog): number {
  const stale = db
    .prepare<[], { id: number; pid: number | null }>("SELECT id, pid FROM jobs WHERE state = 'running'")
    .all()
    .filter((j) => j.pid === null || (j.pid !== process.pid && !pidAlive(j.pid)));
  const stmt = db.prepare("UPDATE jobs SET state = 'interrupted', finished_at = ? WHERE id = ?");
  for (const j of stale) stmt.run(Date.now(), j.id);
  return stale.length;
}

export function startJob(db: Catalog, kind: string, total = 0): number {
  markInterruptedJobs(db);
  return db
    .prepare<[string, number, number, number], { id: number }>(
      "INSERT INTO jobs (kind, state, total, pid, started_at) VALUES (?, 'running', ?, ?, ?) RETURNING id",
    )
    .get(kind, total, process.pid, Date.now())!.id;
}

export function updateJob(db: Catalog, id: number, done: number, total: number): void {
  db.prepare('UPDATE jobs SET done = ?, total = ?, progress = ? WHERE id = ?').run(done, total, total > 0 ? done / total : 0, id);
}

export function finishJob(db: Catalog, id: number, state: Exclude<JobState, 'running'>, opts: { detail?: unknown; error?: string } = {}): void {
  db.prepare('UPDATE jobs SET state = ?, finished_at = ?, detail = ?, error = ? WHERE id = ?').run(
    state,
    Date.now(),
    opts.detail === undefined ? null : JSON.stringify(opts.detail),
    opts.error ?? null,
    id,
  );
}

interface JobDb {
  id: number;
  kind: string;
  state: JobState;
  progress: number;
  done: number;
  total: number;
  pid: number | null;
  detail: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

export function listJobs(db: Catalog, kind?: string): JobRow[] {
  const rows =
    kind === undefined
      ? db.prepare<[], JobDb>('SELECT * FROM jobs ORDER BY id').all()
      : db.prepare<[string], JobDb>('SELECT * FROM jobs WHERE kind = ? ORDER BY id').all(kind);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    progress: r.progress,
    done: r.done,
    total: r.total,
    pid: r.pid,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}
