/**
 * Export a trained dual encoder (TF.js → ONNX → verified version folder). Opening a version for
 * inference is open.ts, so the inference path never loads the ONNX writer (onnx-proto).
 */
import type { DualEncoder } from '../encoders/encoder';
import { encoderToOnnx } from '../encoders/onnx-export';
import { saveModelVersion, type ModelManifest, type NewModelVersion } from './version';

export type ExportMeta = Omit<NewModelVersion, 'video' | 'audio' | 'dims' | 'window'>;

/** Write both encoders of a trained model as a new version folder; dims and window come from the encoders. */
export async function exportModelVersion(dir: string, dual: DualEncoder, meta: ExportMeta): Promise<ModelManifest> {
  const { video, audio } = dual;
  if (video.config.window !== audio.config.window || video.config.outDim !== audio.config.outDim) {
    throw new RangeError('video and audio encoders disagree on window or embedding size');
  }
  return saveModelVersion(dir, {
    ...meta,
    video: encoderToOnnx(video.getWeights(), video.config, { name: 'video' }),
    audio: encoderToOnnx(audio.getWeights(), audio.config, { name: 'audio' }),
    window: video.config.window,
    dims: { videoIn: video.config.inDim, audioIn: audio.config.inDim, out: video.config.outDim },
  });
}
