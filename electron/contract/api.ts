/**
 * The one API every front programs against. The Engine implements it in-process (CLI); the
 * message transport implements it over a worker, Electron's utilityProcess, IPC or a WebSocket
 * (renderer). A front cannot tell which it has.
 */
import type { JobOperation, OperationName, QuickOperation, RequestOf, Results } from './operations';
import type { EngineEvent, ProgressEvent } from './types';
import { EngineError } from './errors';

export interface EngineApi {
  /** A quick operation: validated, run, answered. */
  call<K extends QuickOperation>(op: K, req?: RequestOf<K>): Promise<Results[K]>;
  /** Start a job operation; its progress and end arrive as events carrying the job id. */
  start<K extends JobOperation>(op: K, req: RequestOf<K>): Promise<{ jobId: string }>;
  /** Ask a running job to stop; it ends with state 'cancelled'. A finished job's id is ignored (the cancel came late); an id never given is refused (not-found). */
  cancel(jobId: string): Promise<void>;
  /** Every event; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

export interface RunOptions {
  onProgress?: (p: ProgressEvent) => void;
  signal?: AbortSignal;
  /** Called with the job id as soon as it is known. */
  onStart?: (jobId: string) => void;
}

/** Start a job and wait for its end: the result, or its error as an EngineError. */
export function runJob<K extends JobOperation>(api: EngineApi, op: K, req: RequestOf<K>, opts: RunOptions = {}): Promise<Results[K]> {
  return new Promise<Results[K]>((resolve, reject) => {
    let jobId: string | null = null;
    const early: EngineEvent[] = [];
    const onEvent = (e: EngineEvent): void => {
      if (e.type === 'changed') return;
      if (jobId === null) {
        early.push(e);
        return;
      }
      if (e.jobId !== jobId) return;
      if (e.type === 'progress') opts.onProgress?.(e);
      else {
        unsubscribe();
        opts.signal?.removeEventListener('abort', onAbort);
        if (e.state === 'done') resolve(e.result as Results[K]);
        else reject(new EngineError(e.error ?? { code: e.state === 'cancelled' ? 'cancelled' : 'internal', message: `${op} ${e.state}` }));
      }
    };
    const onAbort = (): void => {
      if (jobId !== null) void api.cancel(jobId);
    };
    const unsubscribe = api.subscribe(onEvent);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    api.start(op, req).then(
      (r) => {
        jobId = r.jobId;
        opts.onStart?.(r.jobId);
        if (opts.signal?.aborted) onAbort();
        for (const e of early.splice(0)) onEvent(e);
      },
      (err: unknown) => {
        unsubscribe();
        opts.signal?.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export type { OperationName };
