/**
 * Every onnxruntime session of the search kernels is opened with the thread count asked for and
 * with intra-op spinning off (idle pool threads would otherwise burn a core each between queries
 * on a machine shared with other work), full graph optimisation and warnings silenced. The spy
 * records the options and calls the real onnxruntime.
 */
import * as ort from 'onnxruntime-node';
import { afterEach, expect, it, vi } from 'vitest';
import { DenseSims, Int8Scan } from '../../../electron/engine/search/onnx-kernels';

afterEach(() => {
  vi.restoreAllMocks();
});

const expected = (threads: number): ort.InferenceSession.SessionOptions => ({
  intraOpNumThreads: threads,
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});

it('opens the dense and the int8 kernels with the threads asked for and without spinning', async () => {
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const dense = await DenseSims.open(2, 1);
  const scan = await Int8Scan.open(Int8Array.of(1, -3, 2, 1), 2, 2, 1, 2);
  const defaults = await Int8Scan.open(Int8Array.of(1, -3, 2, 1), 2, 2, 1);
  const options = create.mock.calls.map((call) => call[call.length - 1]);
  expect(options).toEqual([expected(1), expected(2), expected(0)]);
  // Still the real kernels: (2,1)·(1,2) = 4, (2,1)·(−3,1) = −5.
  expect(Array.from(await scan.run(Uint8Array.of(130, 129), 1, new Int32Array(2)))).toEqual([4, -5]);
  await Promise.all([dense.release(), scan.release(), defaults.release()]);
});
