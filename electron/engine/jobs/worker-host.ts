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
  // Each running task: how to abort it, and when it has answered.
  const running = new Map<number, { ctl: AbortController; answered: Promise<void> }>();
  port.on('message', (msg: ToWorker<Req>) => {
    if (msg.type === 'abort') {
      running.get(msg.id)?.ctl.abort();
      return;
    }
    if (msg.type === 'close') {
      for (const r of running.values()) r.ctl.abort();
      // Ended from here, between tasks, no native call of this thread can be under way (see WorkerPool.close).
      void Promise.allSettled([...running.values()].map((r) => r.answered)).then(() => process.exit(0));
      return;
    }
    const ctl = new AbortController();
    const report = (value: unknown): void => {
      const out: FromWorker<Res> = { type: 'progress', id: msg.id, value };
      port.postMessage(out);
    };
    const answered = handle(msg.req, ctl.signal, report).then(
      (r) => {
        const out: FromWorker<Res> = { type: 'done', id: msg.id, value: r.value };
        port.postMessage(out, r.transfer ?? []);
      },
      (err: unknown) => {
        const out: FromWorker<Res> = { type: 'failed', id: msg.id, error: toWire(err) };
        port.postMessage(out);
      },
    );
    running.set(msg.id, { ctl, answered });
    void answered.finally(() => running.delete(msg.id));
  });
  const ready: FromWorker<Res> = { type: 'ready' };
  port.postMessage(ready);
}
