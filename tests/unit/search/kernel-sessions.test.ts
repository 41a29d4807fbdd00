/** A released onnxruntime kernel is really freed: running it afterwards fails instead of answering. */
import { expect, it } from 'vitest';
import { DenseSims, Int8Scan } from '../../../electron/engine/search/onnx-kernels';

it('a dense similarity kernel answers until released, then refuses to run', async () => {
  const kernel = await DenseSims.open(2, 1);
  const clip = Float32Array.of(1, 0, 0, 1);
  const rows = Float32Array.of(1, 0, 0.5, 0.5, 0, 1);
  // clip rows (1,0), (0,1) against rows (1,0), (.5,.5), (0,1): worked out by hand.
  expect(Array.from(await kernel.run(clip, 2, rows, 3, new Float32Array(6)))).toEqual([1, 0.5, 0, 0, 0.5, 1]);
  await kernel.release();
  await expect(kernel.run(clip, 2, rows, 3, new Float32Array(6))).rejects.toThrow();
});

it('an int8 scan kernel answers until released, then refuses to run', async () => {
  // d = 2, two kept rows (columns): (1, 2) and (−3, 1), stored as d × cols row-major.
  const kernel = await Int8Scan.open(Int8Array.of(1, -3, 2, 1), 2, 2, 1, 1);
  const clip = Uint8Array.of(128 + 2, 128 + 1); // one clip row (2, 1) around the zero point 128
  const sims = new Int32Array(2);
  const best = new Int32Array(2);
  // (2,1)·(1,2) = 4, (2,1)·(−3,1) = −5.
  expect(Array.from(await kernel.run(clip, 1, sims, best))).toEqual([4, -5]);
  expect(Array.from(best)).toEqual([4, -5]);
  await kernel.release();
  await expect(kernel.runBest(clip, 1, best)).rejects.toThrow();
});
