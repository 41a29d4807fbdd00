/** Small real model versions (random weights, real ONNX) for the model tests. */
import { join } from 'node:path';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import { exportModelVersion } from '../../../electron/engine/models/export';
import type { ModelManifest } from '../../../electron/engine/models/version';

export const SPEC = { audio: 'audio-spec-1', video: 'video-spec-1' };
export const DIMS = { audioIn: 9, videoIn: 5, out: 4 };

export async function makeVersion(root: string, version: string, options: { parent?: string | null; seed?: number } = {}): Promise<ModelManifest> {
  const seed = options.seed ?? 1;
  const dual = createDualEncoder({ videoIn: DIMS.videoIn, audioIn: DIMS.audioIn, window: 6, hidden: 8, outDim: DIMS.out, seed });
  try {
    return await exportModelVersion(join(root, version), dual, {
      version,
      featureSpec: SPEC,
      hop: 2,
      loss: 'infonce',
      training: { data: 'test-fixture', seed, steps: 0 },
      metrics: { 'v2m.recall@10': 0.5 },
      parent: options.parent ?? null,
    });
  } finally {
    dual.video.dispose();
    dual.audio.dispose();
  }
}
