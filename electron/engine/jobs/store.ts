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

/** Whether a job row's owner is gone: a 'running' row of no recorded process, or of a process that no longer exists (the leases' check, util/pid.ts). */
const ownerGone = (j: { state: JobState; pid: number | null }): boolean => j.state === 'running' && (j.pid === null || (j.pid !== process.pid && !pidAlive(j.pid)));

/** What an interrupted job says: "interrupted (process 4242 ended)". */
export const interruptedWhy = (pid: number | null): string => `interrupted (${pid === null ? 'its process' : `process ${pid}`} ended)`;

/**
 * Jobs left 'running' by a process that no longer exists (kill -9, power loss) become
 * 'interrupted', so the UI can offer to resume them.
 */
export function markInterruptedJobs(db: Catalog): number {
  const stale = db
    .prepare<[], { id: number; state: JobState; pid: number | null }>("SELECT id, state, pid FROM jobs WHERE state = 'running'")
    .all()
    .filter(ownerGone);
  const stmt = db.prepare("UPDATE jobs SET state = 'interrupted', finished_at = ?, error = coalesce(error, ?) WHERE id = ?");
  for (const j of stale) stmt.run(Date.now(), interruptedWhy(j.pid), j.id);
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

/**
 * The recorded jobs. A 'running' row whose process has ended is listed as interrupted, saying which
 * process: rows are marked only when a process opens the catalog or starts a job, so an engine that
 * stays open (the app's, `serve`) listed a job of a CLI or training process killed since as running.
 * Listing writes nothing (another process may hold the write lock).
 */
export function listJobs(db: Catalog, kind?: string): JobRow[] {
  const rows =
    kind === undefined
      ? db.prepare<[], JobDb>('SELECT * FROM jobs ORDER BY id').all()
      : db.prepare<[string], JobDb>('SELECT * FROM jobs WHERE kind = ? ORDER BY id').all(kind);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    ...(ownerGone(r) ? { state: 'interrupted' as const, error: interruptedWhy(r.pid) } : { state: r.state, error: r.error }),
    progress: r.progress,
    done: r.done,
    total: r.total,
    pid: r.pid,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}
