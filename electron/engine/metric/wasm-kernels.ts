import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Kernels the wasm backend lacks but training needs. tf.gather's gradient is an
 * UnsortedSegmentSum, which tfjs-backend-wasm 4.22 does not register, so every loss that gathers
 * pairs (and the encoder's backward pass through them) failed on wasm. Computed in JS on the
 * wasm heap: the tensors involved are pair lists, small next to the encoder's matmuls.
 */
let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as BackendWasm;
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const values = wasm.readSync(x.dataId) as Float32Array;
      const ids = wasm.readSync(segmentIds.dataId) as Int32Array;
      const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
      const acc = wasm.typedArrayFromHeap(out) as Float32Array;
      acc.fill(0);
      for (let i = 0; i < ids.length; i++) {
        const seg = ids[i];
        if (seg < 0 || seg >= numSegments) continue;
        const src = i * inner;
        const dst = seg * inner;
        for (let k = 0; k < inner; k++) acc[dst + k] += values[src + k];
      }
      return out;
    },
  });
}
