/**
 * Re-embedding the library for a model version from the stored features (no file is decoded):
 * what makes a newly activated version usable by Match, similar and the map. Committed track by
 * track, so a cancelled or interrupted run resumes where it stopped.
 */
import { EngineError } from '../../contract/errors';
import type { Catalog } from '../catalog/db';
import { tracksMissingSegments } from '../catalog/segments';
import { modelEmbedder } from '../library/model-embedder';
import { reembed } from '../library/reembed';
import type { RegistryOptions } from '../models/registry';
import type { JobHandle } from './jobs';

export interface ReembedResult {
  model: string;
  /** Tracks given segments by this run. */
  embedded: number;
  /** Tracks with stored features that now have segments under the version. */
  tracks: number;
}

/** How many catalogued tracks (with stored features) have no segments under `version`. */
export function tracksToReembed(db: Catalog, version: string): number {
  return tracksMissingSegments(db, version).length;
}

export async function reembedLibrary(db: Catalog, version: string, registry: RegistryOptions, job: JobHandle): Promise<ReembedResult> {
  const { embedder, problem } = await modelEmbedder(version, registry);
  if (!embedder) throw new EngineError({ code: 'no-model', message: `cannot re-embed the library for model "${version}": ${problem ?? 'no audio encoder'}` });
  const todo = tracksToReembed(db, version);
  job.progress('embedding', 0, todo);
  const embedded = await reembed(db, embedder, { signal: job.signal, onProgress: (p) => job.progress('embedding', p.done, p.total) });
  const total = (db.prepare("SELECT COUNT(*) AS n FROM features WHERE modality = 'audio'").get() as { n: number }).n;
  return { model: embedder.version, embedded, tracks: total - tracksToReembed(db, version) };
}
