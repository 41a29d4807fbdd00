/**
 * Where the Explore map is laid out: on a worker thread (layout-worker.ts) from UMAP_FROM rows,
 * where umap-js runs; on the calling thread below that, where PCA takes milliseconds and starting
 * a thread would cost more. umap-js's initializeFit is one synchronous block (~3.7 CPU-s from
 * 2,000 tracks on, measured in session 22): on the engine's thread it held every other call for
 * that long, so the app's screens hung while a map was laid out.
 */
import { cancelledError } from '../errors';
import { workerModule } from '../jobs/worker-entry';
import { WorkerPool } from '../jobs/worker-pool';
import { layoutVectors, UMAP_FROM, type Layout, type LayoutOptions } from './layout';

/** The rows to lay out: `data` is a copy of them, moved to the thread. */
export interface LayoutTask {
  data: ArrayBuffer;
  dim: number;
  seed?: number;
}

/** The layout as it crosses back: `points` holds x0, y0, x1, y1, … (Float64Array's buffer). */
export interface LayoutResult {
  method: Layout['method'];
  points: ArrayBuffer;
}

export type LayoutProgress = [phase: 'umap' | 'place', done: number, total: number];

/** How long a cancelled layout's thread may take to read the cancel before it is terminated. */
const CANCEL_GRACE_MS = 100;

const LAYOUT_WORKER = workerModule('layout-worker', new URL('./layout-worker.ts', import.meta.url));

const cancelled = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : cancelledError('map layout'));

/** layoutVectors on a fresh worker thread (ended when it answers: a map is laid out once per catalog state). */
export async function layoutInWorker(data: Float32Array, dim: number, opts: LayoutOptions = {}): Promise<Layout> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw cancelled(signal);
  // A cancel reaches the worker through the pool's abort: layoutVectors stops at its next check.
  // The worker checks its signal only between epochs, not inside initializeFit (seconds of CPU):
  // there close() terminates it after a short grace. That is safe here, unlike in the encoder
  // pools (537d9e3: a thread ended inside onnxruntime's native code aborts the process): this
  // thread runs only JavaScript (umap-js, the dot kernels, the seeded RNG).
  const pool = new WorkerPool<LayoutTask, LayoutResult>({ size: 1, entry: LAYOUT_WORKER, closeGraceMs: CANCEL_GRACE_MS, ...(signal ? { signal } : {}) });
  let stop: (() => void) | undefined;
  const onAbort = new Promise<never>((_, reject) => {
    stop = () => reject(cancelled(signal!));
    signal?.addEventListener('abort', stop, { once: true });
  });
  onAbort.catch(() => undefined);
  try {
    // A copy moves (transfer): the caller's vectors may be a cache's, and stay whole.
    const rows = data.slice();
    const task: LayoutTask = { data: rows.buffer, dim, ...(opts.seed !== undefined ? { seed: opts.seed } : {}) };
    // Reports that arrive after a cancel are not passed on: a cancelled layout says no more.
    const heard = onProgress && ((p: unknown): void => void (signal?.aborted || onProgress(...(p as LayoutProgress))));
    const result = await Promise.race([pool.run(task, { transfer: [rows.buffer], ...(heard ? { onProgress: heard } : {}) }), onAbort]);
    if (signal?.aborted) throw cancelled(signal);
    const xy = new Float64Array(result.points);
    return { method: result.method, points: Array.from({ length: xy.length / 2 }, (_, i) => [xy[2 * i], xy[2 * i + 1]]) };
  } catch (err) {
    throw signal?.aborted ? cancelled(signal) : err;
  } finally {
    if (stop) signal?.removeEventListener('abort', stop);
    // Awaited after a cancel too: a cancelled layout leaves no thread spending CPU behind it.
    await pool.close();
  }
}

/** The place of a layout; `offThread` true forces the worker (tests), false the calling thread. */
export interface LayoutPlace {
  offThread?: boolean;
}

/** layoutVectors, on a worker thread from UMAP_FROM rows (see above): the same points either way. */
export async function layoutOffThread(data: Float32Array, dim: number, opts: LayoutOptions = {}, place: LayoutPlace = {}): Promise<Layout> {
  const n = dim > 0 ? data.length / dim : 0;
  return (place.offThread ?? n >= UMAP_FROM) ? layoutInWorker(data, dim, opts) : layoutVectors(data, dim, opts);
}
