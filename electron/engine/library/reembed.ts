import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { putSegments, tracksMissingSegments } from '../catalog/segments';
import { cancelledError } from '../errors';
import { ProgressMeter, type ProgressSnapshot } from '../jobs/progress';
import { finishJob, startJob, updateJob } from '../jobs/store';
import type { SegmentEmbedder } from './contracts';
import { toSegmentSet } from './segment-set';
import { errorMessage } from '../util/error-message';

/**
 * Give every catalogued track segments under `embedder.version`, from its stored features:
 * no file is opened or decoded. Each track is committed on its own, so an interrupted run
 * resumes where it stopped. Returns how many tracks were embedded.
 */
export async function reembed(
  db: Catalog,
  embedder: SegmentEmbedder,
  opts: { signal?: AbortSignal; onProgress?: (p: ProgressSnapshot) => void } = {},
): Promise<number> {
  const todo = tracksMissingSegments(db, embedder.version);
  const jobId = startJob(db, 'reembed', todo.length);
  const meter = new ProgressMeter('embedding', todo.length);
  try {
    for (const trackId of todo) {
      if (opts.signal?.aborted) throw cancelledError('re-embedding');
      const seq = getFeatures(db, trackId, 'audio');
      if (!seq) continue;
      putSegments(db, trackId, embedder.version, toSegmentSet(await embedder.embed(seq)));
      const snap = meter.tick();
      updateJob(db, jobId, snap.done, snap.total);
      opts.onProgress?.(snap);
    }
  } catch (err) {
    finishJob(db, jobId, opts.signal?.aborted ? 'cancelled' : 'failed', { error: errorMessage(err) });
    throw err;
  }
  finishJob(db, jobId, 'done', { detail: { embedded: meter.done, version: embedder.version } });
  return meter.done;
}
