/**
 * Closing a worker pool: it ends its threads without cutting one short mid-start, and refuses new
 * work at once with a clear error, instead of queueing it for workers that are gone.
 */
import { expect, it, vi } from 'vitest';
import { WorkerPool } from '../../../electron/engine/jobs/worker-pool';
import type { EchoTask } from './fixtures/echo-worker';

const entry = new URL('./fixtures/echo-worker.ts', import.meta.url);
const slowStart = new URL('./fixtures/slow-start-worker.ts', import.meta.url);

// Terminating a thread while onnxruntime loaded a model aborted the whole CLI (SIGABRT,
// "terminate called after throwing an instance of 'Napi::Error'") when an index of two bad files
// ended before its second worker had started (CI, built-bin test).
it('close lets every worker finish starting before its thread ends', async () => {
  const started = new Int32Array(new SharedArrayBuffer(4));
  const pool = new WorkerPool<unknown, null>({ size: 2, entry: slowStart, workerData: { started, ms: 400 } });
  await pool.close();
  expect(Atomics.load(started, 0)).toBe(2);
});

it('close ends a worker that never serves tasks once the grace is over', async () => {
  const started = new Int32Array(new SharedArrayBuffer(4));
  const pool = new WorkerPool<unknown, null>({ size: 1, entry: slowStart, workerData: { started, ms: 0, stuck: true }, closeGraceMs: 300 });
  // Closed once it runs (a thread still booting would end by the same grace, less to the point).
  await vi.waitFor(() => expect(Atomics.load(started, 0)).toBe(1), { timeout: 60_000, interval: 20 });
  await pool.close(); // without the grace's terminate this never resolves
});

it('run after close rejects with "worker pool is closed"', async () => {
  const pool = new WorkerPool<EchoTask, { y?: Float32Array }>({ size: 1, entry });
  const before = await pool.run({ op: 'double', x: Float32Array.of(3) });
  expect(Array.from(before.y!)).toEqual([6]);
  await pool.close();
  const after = pool.run({ op: 'double', x: Float32Array.of(1) });
  // Refused before any worker is asked: settled by the next turn of the event loop, not left pending.
  let settled = false;
  after.then(() => (settled = true), () => (settled = true));
  await new Promise((r) => setImmediate(r));
  expect(settled).toBe(true);
  await expect(after).rejects.toThrow('worker pool is closed');
});
