/**
 * A worker thread that lays out the Explore map (layout-thread.ts starts it): layoutVectors, the
 * same code and seeded RNG as on the engine's thread, so the same map. umap-js's initializeFit
 * (neighbour graph, fuzzy set, embedding init) is one synchronous block of ~3.7 CPU-s from 2,000
 * tracks on; here it holds only this thread. Progress goes back as [phase, done, total].
 */
import { serveTasks } from '../jobs/worker-host';
import { layoutVectors } from './layout';
import type { LayoutProgress, LayoutResult, LayoutTask } from './layout-thread';

serveTasks<LayoutTask, LayoutResult>(async (task, signal, report) => {
  const layout = await layoutVectors(new Float32Array(task.data), task.dim, {
    seed: task.seed,
    signal,
    onProgress: (phase, done, total) => report([phase, done, total] satisfies LayoutProgress),
  });
  // One buffer of x, y pairs moves back instead of n small arrays being cloned.
  const points = new Float64Array(layout.points.length * 2);
  layout.points.forEach(([x, y], i) => points.set([x, y], i * 2));
  return { value: { method: layout.method, points: points.buffer }, transfer: [points.buffer] };
});
