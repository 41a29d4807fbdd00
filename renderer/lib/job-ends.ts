/**
 * Jobs whose end the window never heard. A job's end is an event: one sent while the link to the
 * engine was down is lost, and a job of an engine that was restarted never ends at all, so its
 * progress line (and its Cancel) stayed on screen for good. After a reconnect the window asks the
 * engine which jobs it knows (`jobs.list`) and ends here the ones it no longer runs; after a
 * restart it cannot ask (a restarted `serve` refuses the page's token) and ends them all.
 */
import type { EngineApi } from '../../electron/contract/api';
import type { ErrorData } from '../../electron/contract/errors';
import type { EngineEvent, JobEndEvent, JobInfo } from '../../electron/contract/types';

/** What a job the engine no longer knows says where its result would be. */
export const JOB_LOST = 'stopped: the engine restarted — run it again';

/**
 * The job-end events for the window's running jobs (`running`: id and operation) that the engine
 * does not run. `listed`: the engine's `jobs.list` after a reconnect, or null when the engine is
 * a new one (every job of the old one is gone). A listed job counts only with the same operation:
 * a new engine gives ids from job-1 again.
 */
export function lostJobEnds(running: ReadonlyArray<{ id: string; op: string }>, listed: readonly JobInfo[] | null): JobEndEvent[] {
  const ends: JobEndEvent[] = [];
  for (const job of running) {
    const known = listed?.find((j) => j.id === job.id && (job.op === '' || j.op === job.op));
    if (known?.state === 'running') continue;
    const end = (state: JobEndEvent['state'], error: ErrorData): void => void ends.push({ type: 'job-end', jobId: job.id, state, error });
    if (!known || known.state === 'interrupted') end('failed', { code: 'not-found', message: JOB_LOST });
    else if (known.state === 'cancelled') end('cancelled', { code: 'cancelled', message: `${known.op} cancelled` });
    else if (known.state === 'failed') end('failed', { code: 'internal', message: known.error ?? `${known.op} failed` });
    // Done while the link was down: the engine keeps no result to send again.
    else end('failed', { code: 'not-found', message: 'stopped: it ended while the connection to the engine was down, and its result was lost — run it again' });
  }
  return ends;
}

/**
 * What the latest job of `op` says when a restart of the engine stopped it ("stopped: the engine
 * restarted — run it again"; in the app "stopped: the engine process … — run it again"): its
 * progress line went with it, so a screen says this where the line was (review S19), until a newer
 * job of `op` comes. Undefined when the latest ended otherwise or still runs, or is one of `own`
 * (the jobs a screen started itself, whose end its own error box says).
 */
export function stoppedByRestart(jobs: ReadonlyArray<{ id: string; op: string; state: string; error?: ErrorData }>, op: string, own?: ReadonlySet<string>): string | undefined {
  const last = jobs.findLast((j) => j.op === op);
  if (!last || own?.has(last.id) || last.state !== 'failed') return undefined;
  const said = last.error?.message ?? '';
  return said.startsWith('stopped: ') ? said : undefined;
}

/**
 * `api` with events of the window's own: `emit` reaches every subscriber as an engine event does
 * (the job views, and a `runJob` waiting for that job's end).
 */
export function withLocalEvents(api: EngineApi): { api: EngineApi; emit: (e: EngineEvent) => void } {
  const listeners = new Set<(e: EngineEvent) => void>();
  return {
    api: {
      call: (op, req) => api.call(op, req),
      start: (op, req) => api.start(op, req),
      cancel: (jobId) => api.cancel(jobId),
      subscribe(listener) {
        listeners.add(listener);
        const off = api.subscribe(listener);
        return () => {
          listeners.delete(listener);
          off();
        };
      },
    },
    emit(e) {
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch {
          // One broken listener must not stop the others.
        }
      }
    },
  };
}
