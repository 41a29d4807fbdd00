/** A closed worker pool refuses new work at once with a clear error, instead of queueing it for workers that are gone. */
import { expect, it } from 'vitest';
import { WorkerPool } from '../../../electron/engine/jobs/worker-pool';
import type { EchoTask } from './fixtures/echo-worker';

const entry = new URL('./fixtures/echo-worker.ts', import.meta.url);

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
