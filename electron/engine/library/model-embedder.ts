import { openModelSide } from '../models/open';
import { segmentWindows } from '../encoders/segments';
import { NeedledropError } from '../errors';
import { AUDIO_SPEC } from '../features/spec';
import { loadModel, type RegistryOptions } from '../models/registry';
import type { SegmentEmbedder } from './contracts';
import { errorMessage } from '../util/error-message';

/**
 * The active model version's audio encoder as a SegmentEmbedder (onnxruntime-node, CPU: the
 * index already runs one worker per core). `version` picks another version than the active one.
 * Returns why there is none instead of throwing: indexing still stores features, and a later
 * run or `reembed` adds segments once a model is usable.
 */
export async function modelEmbedder(version?: string, registry: RegistryOptions = {}): Promise<{ embedder?: SegmentEmbedder; problem?: string }> {
  let model;
  try {
    model = await loadModel({ ...registry, ...(version ? { version } : {}), expectedSpec: { audio: AUDIO_SPEC.version } });
  } catch (err) {
    if (err instanceof NeedledropError && err.kind === 'usage' && !version) return { problem: 'no model version installed: features only' };
    return { problem: `model not usable, features only (${errorMessage(err)})` };
  }
  const { window, hop, dims } = model.manifest;
  // One thread: each indexing worker has its own session, and the workers already fill the cores.
  const session = await openModelSide(model, 'audio', { provider: 'cpu', log: () => {}, threads: 1 });
  return {
    embedder: {
      version: model.manifest.version,
      async embed(seq) {
        const segs = segmentWindows(seq, { window, hop });
        return { starts: segs.starts, data: await session.embed(segs.data, segs.n), dim: dims.out };
      },
    },
  };
}
