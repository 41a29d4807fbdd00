import { afterEach, expect, it, vi } from 'vitest';
import { NeedledropError, isCancelled } from '../../../electron/engine/errors';
import { WorkerPool } from '../../../electron/engine/jobs/worker-pool';
import type { EchoTask } from './fixtures/echo-worker';

const entry = new URL('./fixtures/echo-worker.ts', import.meta.url);
type Res = { threadId: number; y?: Float32Array };
let pool: WorkerPool<EchoTask, Res> | undefined;
afterEach(async () => {
  await pool?.close();
});

it('runs TypeScript tasks on several threads and moves buffers both ways', async () => {
  const ctl = new AbortController();
  pool = new WorkerPool<EchoTask, Res>({ size: 2, entry, signal: ctl.signal });
  // One worker is held by a task that never ends: the rest can only finish on the other thread.
  const held = pool.run({ op: 'wait' }).catch((e: unknown) => e);
  const inputs = Array.from({ length: 12 }, (_, i) => Float32Array.of(i, -i));
  const out = await Promise.all(inputs.map((x) => pool!.run({ op: 'double', x }, { transfer: [x.buffer as ArrayBuffer] })));
  expect(out.map((r) => Array.from(r.y!))).toEqual(Array.from({ length: 12 }, (_, i) => [2 * i, -2 * i]));
  expect(inputs[0].byteLength).toBe(0); // transferred, not copied
  expect(new Set(out.map((r) => r.threadId)).size).toBe(1);
  ctl.abort();
  expect(isCancelled(await held)).toBe(true);
});

it('keeps the kind and file of engine errors, and replaces a crashed worker', async () => {
  pool = new WorkerPool<EchoTask, Res>({ size: 1, entry });
  const bad = await pool.run({ op: 'bad-input' }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(NeedledropError);
  expect(bad).toMatchObject({ kind: 'input', file: '/some/file.mp3', message: '/some/file.mp3: not audio' });
  const crashed = await pool.run({ op: 'crash' }).catch((e: unknown) => e);
  expect(crashed).toMatchObject({ kind: 'internal' });
  const after = await pool.run({ op: 'double', x: Float32Array.of(4) });
  expect(Array.from(after.y!)).toEqual([8]);
});

it('aborting cancels running and queued tasks', async () => {
  const ctl = new AbortController();
  pool = new WorkerPool<EchoTask, Res>({ size: 1, entry, signal: ctl.signal });
  const started = new Int32Array(new SharedArrayBuffer(4));
  const running = pool.run({ op: 'wait', started }).catch((e: unknown) => e);
  const queued = pool.run({ op: 'double', x: Float32Array.of(1) }).catch((e: unknown) => e);
  // Abort only once the first task runs in the worker (not a fixed sleep): one running, one queued.
  await vi.waitFor(() => expect(Atomics.load(started, 0)).toBe(1), { timeout: 60_000, interval: 20 });
  ctl.abort();
  expect(isCancelled(await running)).toBe(true);
  expect(isCancelled(await queued)).toBe(true);
  await expect(pool.run({ op: 'double', x: Float32Array.of(1) })).rejects.toMatchObject({ kind: 'cancelled' });
});

it('fails tasks clearly when the worker module cannot load', async () => {
  pool = new WorkerPool<EchoTask, Res>({ size: 1, entry: new URL('./fixtures/does-not-exist.ts', import.meta.url) });
  await expect(pool.run({ op: 'double', x: Float32Array.of(1) })).rejects.toThrow(/worker failed to start/);
});
