/** Small real model versions (random weights, real ONNX) for the model tests. */
import { join } from 'node:path';
import { createDualEncoder } from '../../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../../electron/engine/encoders/onnx-export';
import { saveModelVersion, type ModelManifest } from '../../../electron/engine/models/version';

export const SPEC = { audio: 'audio-spec-1', video: 'video-spec-1' };
export const DIMS = { audioIn: 9, videoIn: 5, out: 4 };
const WINDOW = 6;

/** Encoders for a seed, exported once per seed (export is pure, so sharing is safe). */
const cache = new Map<number, { video: Uint8Array; audio: Uint8Array }>();
function encoders(seed: number): { video: Uint8Array; audio: Uint8Array } {
  let hit = cache.get(seed);
  if (!hit) {
    const dual = createDualEncoder({ videoIn: DIMS.videoIn, audioIn: DIMS.audioIn, window: WINDOW, hidden: 8, outDim: DIMS.out, seed });
    hit = {
      video: encoderToOnnx(dual.video.getWeights(), dual.video.config, { name: 'video' }),
      audio: encoderToOnnx(dual.audio.getWeights(), dual.audio.config, { name: 'audio' }),
    };
    dual.video.dispose();
    dual.audio.dispose();
    cache.set(seed, hit);
  }
  return hit;
}

export async function makeVersion(root: string, version: string, options: { parent?: string | null; seed?: number } = {}): Promise<ModelManifest> {
  const seed = options.seed ?? 1;
  return saveModelVersion(join(root, version), {
    version,
    ...encoders(seed),
    featureSpec: SPEC,
    window: WINDOW,
    hop: 2,
    dims: DIMS,
    loss: 'infonce',
    training: { data: 'test-fixture', seed, steps: 0 },
    metrics: { 'v2m.recall@10': 0.5 },
    parent: options.parent ?? null,
  });
}
