/**
 * Long operations as jobs: an id, progress events (count, rate, ETA per phase), cancel, and an
 * end event with the result or the error as data. Progress is throttled so a fast loop cannot
 * flood a transport; the first and last event of a phase always go out.
 */
import type { JobInfo, EngineEvent, ProgressEvent } from '../../contract/types';
import { PhaseClock } from '../jobs/progress';
import { notFound, toErrorData } from './errors';

export interface JobHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  /** Report progress of `phase`; rate and ETA are measured here, per phase. */
  progress(phase: string, done: number, total: number, extra?: { item?: string; metrics?: Record<string, number> }): void;
}

export interface JobRecorder {
  /** Record a started job; returns its row id, or undefined when there is nowhere to record it. */
  start(op: string): number | undefined;
  finish(row: number, state: 'done' | 'failed' | 'cancelled', info: JobInfo, error?: string): void;
}

interface Running {
  info: JobInfo;
  ctl: AbortController;
  /** Resolves once the job has ended, however it ended. */
  ended: Promise<void>;
}

/** How long closing waits for cancelled jobs to wind down (they check their signal often; this bounds a stuck one). */
const CLOSE_WAIT_MS = 30_000;

/** At most this many progress events a second per job (phase changes and completion always pass). */
const MAX_EVENTS_PER_SECOND = 10;
const KEEP_FINISHED = 200;

export class JobRunner {
  private next = 1;
  private readonly jobs = new Map<string, Running>();

  constructor(
    private readonly emit: (e: EngineEvent) => void,
    private readonly now: () => number = Date.now,
    /** Where jobs are recorded (the catalog's jobs table), so a crash leaves an 'interrupted' row. */
    private readonly recorder?: JobRecorder,
    /** Ids are `${prefix}-N`: engines behind one router must not share them. */
    private readonly prefix = 'job',
  ) {}

  start(op: string, run: (job: JobHandle) => Promise<unknown>): string {
    const id = `${this.prefix}-${this.next++}`;
    const ctl = new AbortController();
    const info: JobInfo = { id, op, state: 'running', startedAt: this.now(), finishedAt: null, done: 0, total: 0 };
    // Recorded first: a catalog that cannot be opened fails the start, leaving no job that never ends.
    const row = this.recorder?.start(op);
    let ended!: () => void;
    this.jobs.set(id, { info, ctl, ended: new Promise<void>((r) => (ended = r)) });
    // Each phase timed as the scripts' status lines time theirs (jobs/progress.ts PhaseClock).
    const clock = new PhaseClock(this.now, info.startedAt);
    let lastSent = 0;
    const handle: JobHandle = {
      id,
      signal: ctl.signal,
      progress: (p, done, total, extra) => {
        const t = this.now();
        const c = clock.report(p, done, total, t);
        if (c.newPhase) lastSent = 0;
        info.done = done;
        info.total = total;
        const final = done >= total;
        if (!final && lastSent !== 0 && t - lastSent < 1000 / MAX_EVENTS_PER_SECOND) return;
        lastSent = t;
        const event: ProgressEvent = {
          type: 'progress',
          jobId: id,
          phase: p,
          done,
          total,
          rate: c.rate,
          eta: c.eta,
          elapsed: c.elapsed,
          ...(extra?.item !== undefined ? { item: extra.item } : {}),
          ...(extra?.metrics ? { metrics: extra.metrics } : {}),
        };
        this.emit(event);
      },
    };
    // Start on the next tick so the caller has the id before the first event.
    queueMicrotask(() => {
      run(handle).then(
        (result) => {
          const state = ctl.signal.aborted ? 'cancelled' : 'done';
          if (row !== undefined) this.recorder?.finish(row, state, info);
          this.finish(id, state, result);
          ended();
        },
        (err: unknown) => {
          const data = toErrorData(err);
          const state = ctl.signal.aborted || data.code === 'cancelled' ? 'cancelled' : 'failed';
          if (row !== undefined) this.recorder?.finish(row, state, info, data.message);
          this.finish(id, state, undefined, data);
          ended();
        },
      );
    });
    return id;
  }

  private finish(id: string, state: 'done' | 'failed' | 'cancelled', result?: unknown, error?: ReturnType<typeof toErrorData>): void {
    const job = this.jobs.get(id);
    if (!job) return;
    job.info.state = state;
    job.info.finishedAt = this.now();
    if (error) job.info.error = error.message;
    this.emit({
      type: 'job-end',
      jobId: id,
      state,
      ...(state === 'done' ? { result } : {}),
      ...(error ? { error: state === 'cancelled' ? { ...error, code: 'cancelled' } : error } : state === 'cancelled' ? { error: { code: 'cancelled', message: `${job.info.op} cancelled` } } : {}),
    });
    this.prune();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.info.id);
  }

  /**
   * Ask a job to stop. One that has ended (even one pruned from the list) is left as it ended: the
   * cancel came late. An id this runner never gave is refused (review S12.11: it answered ok).
   */
  cancel(id: string): void {
    const job = this.jobs.get(id);
    if (job) {
      job.ctl.abort();
      return;
    }
    if (this.gave(id)) return;
    throw notFound(`no job with id ${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)}`);
  }

  /**
   * Whether `id` is one this runner gave: `${prefix}-N` as start writes it, N from 1 to the last.
   * By this runner's own prefix: a restarted engine's `job-r1-7` was refused once pruned, and
   * another engine's `job-3` was taken as this one's (session 19's note).
   */
  private gave(id: string): boolean {
    if (!id.startsWith(`${this.prefix}-`)) return false;
    const n = id.slice(this.prefix.length + 1);
    return /^[1-9]\d*$/.test(n) && Number(n) < this.next;
  }

  /**
   * Cancel every job and wait until the running ones have ended, so whoever closes next (the
   * catalog, a new engine on it) finds their locks and files released.
   */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.info.state === 'running');
    for (const j of this.jobs.values()) j.ctl.abort();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS).unref()));
    await Promise.race([Promise.all(running.map((j) => j.ended)), bound]);
    clearTimeout(timer);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  get running(): number {
    return [...this.jobs.values()].filter((j) => j.info.state === 'running').length;
  }
}

/** A JobHandle for a workflow run outside the Engine's job table (a development script). */
export function localJob(signal: AbortSignal, onProgress: (phase: string, done: number, total: number, metrics?: Record<string, number>) => void): JobHandle {
  return { id: 'local', signal, progress: (phase, done, total, extra) => onProgress(phase, done, total, extra?.metrics) };
}
