/**
 * Bridges between a trained dual encoder, a model-version folder and running encoders:
 * export (TF.js → ONNX → verified folder) and open (folder → two onnxruntime sessions).
 */
import type { DualEncoder } from '../encoders/encoder';
import { encoderToOnnx } from '../encoders/onnx-export';
import { openEncoder, type EncoderSession, type OpenEncoderOptions } from '../encoders/runtime';
import { saveModelVersion, type LoadedModel, type ModelManifest, type NewModelVersion } from './version';

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

export interface ModelSessions {
  manifest: ModelManifest;
  video: EncoderSession;
  audio: EncoderSession;
  /** The provider in use (both encoders share the request, so they land on the same one). */
  provider: string;
  close(): Promise<void>;
}

/**
 * Open one encoder of a loaded (verified) model version: the one way the engine runs a model
 * (matching opens the video side, indexing the audio side, evaluation both).
 */
export function openModelSide(model: LoadedModel, side: 'video' | 'audio', options: OpenEncoderOptions = {}): Promise<EncoderSession> {
  return openEncoder(model.paths[side], options);
}

/** Open both encoders of a loaded (verified) model version. */
export async function openModel(model: LoadedModel, options: OpenEncoderOptions = {}): Promise<ModelSessions> {
  const video = await openModelSide(model, 'video', options);
  const audio = await openModelSide(model, 'audio', options);
  return {
    manifest: model.manifest,
    video,
    audio,
    provider: video.provider === audio.provider ? video.provider : `video: ${video.provider}, audio: ${audio.provider}`,
    close: async () => {
      await video.close();
      await audio.close();
    },
  };
}
