import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createDualEncoder, type DualEncoder } from '../encoders/encoder';
import type { ProviderRequest } from '../encoders/providers';
import type { Segments } from '../encoders/segments';
import { exportModelVersion } from '../models/export';
import { activate, type RegistryOptions } from '../models/registry';
import { openModel } from '../models/open';
import { MANIFEST_FILE, type LoadedModel, type ModelManifest } from '../models/version';
import type { TrainingData } from './dataset';
import { embedSegmentsTf } from './embed';
import type { DualEmbedder } from './eval';
import type { TrainResult } from './trainer';
import { errorMessage } from '../util/error-message';

/** A dual encoder holding a training result's (best) weights; the caller disposes it. */
function dualFromResult(result: TrainResult, data: TrainingData): DualEncoder {
  const { config } = result;
  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: 0 });
  dual.video.setWeights(result.weights.video);
  dual.audio.setWeights(result.weights.audio);
  return dual;
}

/**
 * Where a run that trained `version` saves it: `outDir`, or the first free `version-2`, `version-3`, …
 * beside it when a version of that name appeared while it trained. The name was free at the start
 * and is leased for writing, but a folder can still appear meanwhile (copied in by hand, a build
 * without the lease): the weights are saved under the next free name rather than thrown away with
 * minutes of training (review R1.12), and `kept` says so (the run's first note). Train and fine-tune
 * both save through it.
 */
export function saveTarget(outDir: string, version: string): { version: string; outDir: string; kept?: string } {
  if (!existsSync(join(outDir, MANIFEST_FILE))) return { version, outDir };
  for (let n = 2; ; n++) {
    const dir = join(dirname(outDir), `${version}-${n}`);
    if (existsSync(dir)) continue;
    const kept = `model version "${version}" was made by something else while this run trained (${outDir}): this run is saved as "${version}-${n}" instead, at ${dir}`;
    return { version: `${version}-${n}`, outDir: dir, kept };
  }
}

/** Write a training result as a model version folder (two ONNX files + model.json). */
export async function saveTrainedModel(
  dir: string,
  result: TrainResult,
  data: TrainingData,
  meta: { version: string; parent: string | null; trainingData: string; metrics: Record<string, unknown>; extra?: Record<string, unknown> },
): Promise<ModelManifest> {
  const { config } = result;
  const dual = dualFromResult(result, data);
  try {
    return await exportModelVersion(dir, dual, {
      version: meta.version,
      featureSpec: data.spec,
      hop: data.hop,
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
    });
  } finally {
    dual.video.dispose();
    dual.audio.dispose();
  }
}

/**
 * Make a version that was just saved the active one. The run succeeded and its model is on disk, so a
 * failure here (the pointer cannot be written, the version does not load) is a note beside the
 * result, never a failed run (review S16: a saved model was reported as "no model version").
 */
export async function activateSaved(version: string, registry: RegistryOptions): Promise<{ activated: boolean; notes: string[] }> {
  try {
    await activate(version, registry);
    return { activated: true, notes: [] };
  } catch (err) {
    return { activated: false, notes: [`${version} is saved but was not made active: ${errorMessage(err)}`] };
  }
}

/** Segment embeddings through a model version's ONNX encoders (onnxruntime-node). */
export async function onnxEmbedder(model: LoadedModel, provider: ProviderRequest = 'auto', log?: (m: string) => void): Promise<DualEmbedder & { provider: string; close(): Promise<void> }> {
  const sessions = await openModel(model, { provider, ...(log && { log }) });
  return {
    dim: model.manifest.dims.out,
    provider: sessions.provider,
    video: (segs: Segments) => sessions.video.embed(segs.data, segs.n),
    audio: (segs: Segments) => sessions.audio.embed(segs.data, segs.n),
    close: () => sessions.close(),
  };
}

/** Segment embeddings through the trained weights in TF.js (before export; parity with ONNX is tested). */
export function tfEmbedder(result: TrainResult, data: TrainingData): DualEmbedder & { dispose(): void } {
  const dual = dualFromResult(result, data);
  return {
    dim: result.config.outDim,
    video: async (segs) => embedSegmentsTf(dual.video, segs),
    audio: async (segs) => embedSegmentsTf(dual.audio, segs),
    dispose: () => {
      dual.video.dispose();
      dual.audio.dispose();
    },
  };
}
