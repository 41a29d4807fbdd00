import { parentPort } from 'node:worker_threads';
import { toWire, type FromWorker, type ToWorker } from './worker-protocol';

export interface Reply<Res> {
  value: Res;
  /** ArrayBuffers to move, not copy, back to the pool's thread. */
  transfer?: ArrayBuffer[];
}

/**
 * The worker side of a WorkerPool: run `handle` for each task, with an AbortSignal the pool can
 * trip and `report`, which hands a progress value to the task's `onProgress` (WorkerPool.run).
 * Call once at the top of a worker module.
 */
export function serveTasks<Req, Res>(handle: (req: Req, signal: AbortSignal, report: (progress: unknown) => void) => Promise<Reply<Res>>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run inside a worker thread');
  const running = new Map<number, AbortController>();
  port.on('message', (msg: ToWorker<Req>) => {
    if (msg.type === 'abort') {
      running.get(msg.id)?.abort();
      return;
    }
    const ctl = new AbortController();
    running.set(msg.id, ctl);
    const report = (value: unknown): void => {
      const out: FromWorker<Res> = { type: 'progress', id: msg.id, value };
      port.postMessage(out);
    };
    handle(msg.req, ctl.signal, report).then(
      (r) => {
        running.delete(msg.id);
        const out: FromWorker<Res> = { type: 'done', id: msg.id, value: r.value };
        port.postMessage(out, r.transfer ?? []);
      },
      (err: unknown) => {
        running.delete(msg.id);
        const out: FromWorker<Res> = { type: 'failed', id: msg.id, error: toWire(err) };
        port.postMessage(out);
      },
    );
  });
  const ready: FromWorker<Res> = { type: 'ready' };
  port.postMessage(ready);
}
