import { NeedledropError, type ErrorKind } from '../errors';

/** Messages between a WorkerPool and its workers. One task at a time per worker. */
export type ToWorker<Req> =
  | { type: 'task'; id: number; req: Req }
  | { type: 'abort'; id: number }
  /** Abort what runs, then end the thread from its own JavaScript (WorkerPool.close). */
  | { type: 'close' };

export interface WireError {
  kind: ErrorKind;
  message: string;
  file?: string;
}

export type FromWorker<Res> =
  | { type: 'ready' }
  | { type: 'done'; id: number; value: Res }
  /** Where a running task is (its handler's `report`); the task goes on. */
  | { type: 'progress'; id: number; value: unknown }
  | { type: 'failed'; id: number; error: WireError };

/** Errors cross the thread boundary as plain data; engine errors keep their kind and file. */
export function toWire(err: unknown): WireError {
  if (err instanceof NeedledropError) return { kind: err.kind, message: err.message, ...(err.file ? { file: err.file } : {}) };
  if (err instanceof Error && err.name === 'AbortError') return { kind: 'cancelled', message: err.message };
  return { kind: 'internal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

export function fromWire(e: WireError): NeedledropError {
  return new NeedledropError(e.kind, e.message, e.file ? { file: e.file } : {});
}
