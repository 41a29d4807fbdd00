/**
 * The components indexing uses unless told otherwise (see contracts.ts). Each worker thread
 * imports this module and calls createIndexerComponents once.
 *
 * INTEGRATION POINT (lead): switch `analyzer` to the full descriptors when
 * electron/engine/features/ exports them, e.g.
 *   const [{ probe }, { extractAudioFeatures }] = await Promise.all([import('../media/probe'), import('../features/audio')]);
 *   analyzer = async (file, signal) => { const info = await probe(file, { signal });
 *     const { seq, summary } = await extractAudioFeatures(file, { signal });
 *     return { info: { title: info.tags.title ?? null, artist: …, album: …, duration: info.duration }, seq, summary }; };
 * and set `embedder` from the current model version (encoders/: segmentWindows + openEncoder on
 * audio.onnx; version = the model folder's version id).
 */
import { basicAnalyze } from './basic-analyzer';
import type { IndexerComponents } from './contracts';

export async function createIndexerComponents(_options: unknown): Promise<IndexerComponents> {
  return { analyzer: basicAnalyze };
}

export const DEFAULT_COMPONENTS = { module: new URL('./default-components.ts', import.meta.url).href };
