import { Worker } from 'node:worker_threads';
import { cancelledError, NeedledropError } from '../errors';
import { ffmpegConfig, WORKER_CONFIG_KEY } from '../media/ffmpeg-path';
import { fromWire, type FromWorker, type ToWorker } from './worker-protocol';

/**
 * A fixed set of worker threads running one TypeScript (or compiled) module, each doing one
 * task at a time. Heavy work (decoding, descriptors, inference) runs there so the owning
 * thread stays free to report progress and write results.
 */
export interface PoolOptions {
  size: number;
  /** URL of the worker module (see workerModule()); it must call serveTasks(). */
  entry: URL;
  workerData?: Record<string, unknown>;
  /** Aborting drops queued tasks and asks running ones to stop; all reject as cancelled. */
  signal?: AbortSignal;
  /** How long close() lets a worker end itself before terminating it (default 30 s). */
  closeGraceMs?: number;
}

interface Task<Req, Res> {
  id: number;
  req: Req;
  transfer: ArrayBuffer[];
  resolve: (v: Res) => void;
  reject: (e: unknown) => void;
  onProgress?: (progress: unknown) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  ready: boolean;
  task?: Task<Req, Res>;
  /** Settles when the thread has ended, however it ended. */
  exited: Promise<void>;
}

// A TypeScript entry starts through this bootstrap (it registers tsx); a compiled one starts as it is.
const BOOT = new URL('./ts-worker.mjs', import.meta.url);

export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Task<Req, Res>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!(options.size >= 1)) throw new Error(`worker pool size must be ≥ 1, got ${options.size}`);
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
    // One listener for the pool, not one per task: a library run queues thousands.
    options.signal?.addEventListener('abort', () => this.abortAll(), { once: true });
  }

  private abortAll(): void {
    for (const t of this.queue.splice(0)) t.reject(cancelledError());
    for (const slot of this.slots) {
      if (!slot.task) continue;
      const abort: ToWorker<Req> = { type: 'abort', id: slot.task.id };
      slot.worker.postMessage(abort);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot<Req, Res> {
    const { entry, workerData } = this.options;
    const worker = new Worker(entry.pathname.endsWith('.ts') ? BOOT : entry, {
      // Workers see the same ffmpeg/ffprobe as this thread, configured or not.
      workerData: { ...workerData, __entry: entry.href, [WORKER_CONFIG_KEY]: ffmpegConfig() },
    });
    let ended!: () => void;
    const slot: Slot<Req, Res> = { worker, ready: false, exited: new Promise<void>((r) => (ended = r)) };
    worker.on('message', (msg: FromWorker<Res>) => this.onMessage(slot, msg));
    worker.on('error', (err) => this.onCrash(slot, err));
    worker.on('exit', (code) => {
      ended();
      if (!this.closed) this.onCrash(slot, new Error(`worker exited with code ${code}`));
    });
    return slot;
  }

  private onMessage(slot: Slot<Req, Res>, msg: FromWorker<Res>): void {
    if (msg.type === 'progress') {
      // The task goes on: its slot stays busy.
      if (slot.task?.id === msg.id) slot.task.onProgress?.(msg.value);
      return;
    }
    if (msg.type === 'ready') {
      slot.ready = true;
    } else {
      const task = slot.task;
      slot.task = undefined;
      if (task && task.id === msg.id) {
        if (msg.type === 'done') task.resolve(msg.value);
        else task.reject(fromWire(msg.error));
      }
    }
    this.pump();
  }

  /** A worker that dies (crash, OOM, failed import) fails its task and is replaced. */
  private onCrash(slot: Slot<Req, Res>, err: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    const task = slot.task;
    slot.task = undefined;
    void slot.worker.terminate();
    if (this.closed) return;
    if (!slot.ready && !task) {
      // Failed before it could take any work: likely a broken entry module; fail everything queued.
      this.slots.splice(at, 1);
      const fail = new NeedledropError('internal', `worker failed to start: ${err.message}`);
      if (this.slots.length === 0) for (const t of this.queue.splice(0)) t.reject(fail);
      return;
    }
    this.slots[at] = this.spawn();
    task?.reject(new NeedledropError('internal', `worker crashed: ${err.message}`));
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      const msg: ToWorker<Req> = { type: 'task', id: task.id, req: task.req };
      slot.worker.postMessage(msg, task.transfer);
    }
  }

  /**
   * Queue one task; resolves with the worker's value, rejects with its error (kind kept).
   * `onProgress` hears what the worker's handler reports while the task runs.
   */
  run(req: Req, opts: { transfer?: ArrayBuffer[]; onProgress?: (progress: unknown) => void } = {}): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    if (this.options.signal?.aborted) return Promise.reject(cancelledError());
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, req, transfer: opts.transfer ?? [], resolve, reject, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
      this.pump();
    });
  }

  /**
   * Stop all workers; resolves once every thread has ended. Queued and running tasks are rejected
   * as cancelled at once. Each worker is asked to end itself: terminate() lands wherever the thread
   * is, and one still starting (onnxruntime loading its model) then aborts the whole process
   * ("terminate called after throwing an instance of 'Napi::Error'"). A worker still starting
   * reads the request once it serves tasks; one that does not end within the grace is terminated.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(cancelledError());
    for (const s of this.slots) s.task?.reject(cancelledError());
    const grace = this.options.closeGraceMs ?? 30_000;
    await Promise.all(
      this.slots.map(async (slot) => {
        const close: ToWorker<Req> = { type: 'close' };
        slot.worker.postMessage(close);
        const timer = setTimeout(() => void slot.worker.terminate(), grace);
        await slot.exited;
        clearTimeout(timer);
      }),
    );
  }
}
