/**
 * The components `needledrop index` uses (see contracts.ts): the full audio descriptors
 * (features/) and the active model version's audio encoder (models/ + encoders/), when one is
 * installed. Each worker thread imports this module and calls createIndexerComponents once.
 * Options: { model?: string } to embed with a version other than the active one; { registry } to
 * find versions somewhere other than the environment says (the Engine's context).
 */
import { workerModule } from '../jobs/worker-entry';
import { ANALYSIS_VERSION, analyzeTrack, analyzeTracks } from './audio-analyzer';
import type { IndexerComponents } from './contracts';
import type { RegistryOptions } from '../models/registry';
import { modelEmbedder } from './model-embedder';

export async function createIndexerComponents(options: unknown): Promise<IndexerComponents> {
  const o = options as { model?: string; registry?: RegistryOptions } | undefined;
  const { embedder, problem } = await modelEmbedder(o?.model, o?.registry);
  // One ffmpeg per batch needs extra pipes, which Windows' ffmpeg does not see.
  const batch = process.platform === 'win32' ? {} : { analyzeBatch: analyzeTracks };
  return { analyzer: analyzeTrack, ...batch, ...(embedder ? { embedder } : {}), ...(problem ? { note: problem } : {}) };
}

export const DEFAULT_COMPONENTS = {
  module: workerModule('indexer-components', new URL('./default-components.ts', import.meta.url)).href,
  analysisVersion: ANALYSIS_VERSION,
};
