/**
 * The renderer's view of the engine's events: every job's latest progress (and, for training,
 * its metrics history), and a counter per kind of data so screens reload when it changes.
 */
import type { ChangedEvent, EngineEvent, JobInfo, ProgressEvent } from '../../electron/contract/types';
import type { ErrorData } from '../../electron/contract/errors';
import { api, emitLocally } from './api';
import { lostJobEnds } from './job-ends';

export interface JobView {
  id: string;
  op: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  progress: ProgressEvent | null;
  /** Every progress event that carried metrics, in order (the training charts). */
  metrics: { done: number; values: Record<string, number> }[];
  error?: ErrorData;
}

export const jobs = $state<Record<string, JobView>>({});
export const changes = $state<Record<ChangedEvent['what'], number>>({ tracks: 0, models: 0, playlists: 0, feedback: 0, settings: 0 });

function onEvent(e: EngineEvent): void {
  if (e.type === 'changed') {
    changes[e.what] += 1;
    return;
  }
  const known = e.jobId in jobs;
  const job = (jobs[e.jobId] ??= { id: e.jobId, op: '', state: 'running', progress: null, metrics: [] });
  // A job this window did not start (the engine's folder watcher, another window): ask which operation it is.
  if (!known) void api.call('jobs.list').then((list) => {
    const op = list.find((j) => j.id === e.jobId)?.op;
    if (op && !jobs[e.jobId].op) jobs[e.jobId].op = op;
  }, () => {});
  if (e.type === 'progress') {
    job.progress = e;
    if (e.metrics && Object.keys(e.metrics).length > 0) job.metrics.push({ done: e.done, values: e.metrics });
  } else {
    job.state = e.state;
    if (e.error) job.error = e.error;
  }
}

api.subscribe(onEvent);

/** After a reconnect every screen reloads: the events sent while the link was down are lost. */
export function reloadAll(): void {
  for (const k of Object.keys(changes) as ChangedEvent['what'][]) changes[k] += 1;
}

/**
 * End the running jobs the engine no longer runs, whose end this window did not hear: after a
 * reconnect (`restarted` false: the engine says which it still runs) or once the engine is known to
 * be a new one (`restarted`: none of them). Their lines then say so, and their Cancel goes.
 */
export async function settleJobs(restarted: boolean): Promise<void> {
  const running = Object.values(jobs).filter((j) => j.state === 'running');
  if (running.length === 0) return;
  let listed: JobInfo[] | null = null;
  if (!restarted) {
    try {
      listed = await api.call('jobs.list');
    } catch {
      return; // down again: the next reconnect asks again
    }
  }
  // Ended meanwhile by their own events: only those still running here.
  for (const e of lostJobEnds(running.filter((j) => j.state === 'running'), listed)) emitLocally(e);
}

/** Remember which operation a job id belongs to (the engine's events do not say). */
export function noteJob(id: string, op: string): void {
  const job = (jobs[id] ??= { id, op, state: 'running', progress: null, metrics: [] });
  job.op = op;
}

export function runningJob(op: string): JobView | undefined {
  return Object.values(jobs).find((j) => j.op === op && j.state === 'running');
}
