/**
 * Open a model-version folder for inference: folder → onnxruntime sessions.
 */
import { openEncoder, type EncoderSession, type OpenEncoderOptions } from '../encoders/runtime';
import type { LoadedModel, ModelManifest } from './version';

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
