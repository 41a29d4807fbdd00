import { createDualEncoder } from '../encoders/encoder';
import { encoderToOnnx } from '../encoders/onnx-export';
import { openEncoder, type EncoderSession } from '../encoders/runtime';
import type { ProviderRequest } from '../encoders/providers';
import type { Segments } from '../encoders/segments';
import type { LoadedModel, ModelManifest } from '../models/version';
import { saveModelVersion } from '../models/version';
import type { TrainingData } from './dataset';
import type { SegmentEmbedder } from './eval';
import type { TrainResult } from './trainer';
import { embedSegmentsTf } from './embed';

/** Write a trained dual encoder as a model version folder (two ONNX files + model.json). */
export async function exportModelVersion(
  dir: string,
  result: TrainResult,
  data: TrainingData,
  meta: { version: string; parent: string | null; trainingData: string; metrics: Record<string, unknown>; extra?: Record<string, unknown> },
): Promise<ModelManifest> {
  const { config } = result;
  // Configs only: the weights come from the result, so a throwaway encoder pair gives the shapes.
  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: 0 });
  const videoConfig = dual.video.config;
  const audioConfig = dual.audio.config;
  dual.video.dispose();
  dual.audio.dispose();
  return saveModelVersion(dir, {
    version: meta.version,
    featureSpec: data.spec,
    window: data.window,
    hop: data.hop,
    dims: { audioIn: data.dims.audio, videoIn: data.dims.video, out: config.outDim },
    loss: config.loss,
    training: {
      data: meta.trainingData,
      seed: config.seed,
      steps: result.stepsRun,
      bestStep: result.bestStep,
      bestValRecall10: result.bestValRecall10,
      seconds: Math.round(result.seconds),
      config,
      ...meta.extra,
    },
    metrics: meta.metrics,
    parent: meta.parent,
    video: encoderToOnnx(result.weights.video, videoConfig, { name: 'video' }),
    audio: encoderToOnnx(result.weights.audio, audioConfig, { name: 'audio' }),
  });
}

/** Segment embeddings through a model version's ONNX encoders (onnxruntime-node). */
export async function onnxEmbedder(model: LoadedModel, provider: ProviderRequest = 'auto', log?: (m: string) => void): Promise<SegmentEmbedder & { provider: string; close(): Promise<void> }> {
  const video: EncoderSession = await openEncoder(model.paths.video, { provider, log });
  const audio: EncoderSession = await openEncoder(model.paths.audio, { provider, log });
  const run = (s: EncoderSession) => (segs: Segments) => s.embed(segs.data, segs.n);
  return {
    dim: model.manifest.dims.out,
    provider: video.provider,
    video: run(video),
    audio: run(audio),
    close: async () => {
      await video.close();
      await audio.close();
    },
  };
}

/** Segment embeddings through the trained weights in TF.js (before export; parity with ONNX is tested). */
export function tfEmbedder(result: TrainResult, data: TrainingData): SegmentEmbedder & { dispose(): void } {
  const { config } = result;
  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: 0 });
  dual.video.setWeights(result.weights.video);
  dual.audio.setWeights(result.weights.audio);
  return {
    dim: config.outDim,
    video: async (segs) => embedSegmentsTf(dual.video, segs),
    audio: async (segs) => embedSegmentsTf(dual.audio, segs),
    dispose: () => {
      dual.video.dispose();
      dual.audio.dispose();
    },
  };
}
