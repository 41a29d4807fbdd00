/**
 * One indexing worker thread: builds its components (analyzer, embedder) from the ComponentsRef
 * in workerData, then analyses files and embeds feature sequences on request. Runs its own
 * ffmpeg per file; nothing here touches the catalog.
 */
import { workerData } from 'node:worker_threads';
import type { SegmentSet } from '../catalog/types';
import type { FeatureSeq } from '../features/types';
import { serveTasks, type Reply } from '../jobs/worker-host';
import type { ComponentsRef, CreateIndexerComponents, TrackAnalysis } from './contracts';
import { toSegmentSet } from './segment-set';

export type IndexTask = { kind: 'describe' } | { kind: 'analyze'; path: string } | { kind: 'embed'; seq: FeatureSeq };

export interface VersionedSegments {
  version: string;
  set: SegmentSet;
}

export type IndexTaskResult =
  | { kind: 'describe'; embedderVersion: string | null; note: string | null }
  | { kind: 'analyze'; analysis: TrackAnalysis; segments?: VersionedSegments }
  | { kind: 'embed'; segments: VersionedSegments };

const ref = (workerData as { components: ComponentsRef }).components;
const mod = (await import(ref.module)) as { createIndexerComponents?: CreateIndexerComponents };
if (typeof mod.createIndexerComponents !== 'function') throw new Error(`${ref.module} does not export createIndexerComponents`);
const { analyzer, embedder, note } = await mod.createIndexerComponents(ref.options);

const buffers = (s: SegmentSet | undefined): ArrayBuffer[] => (s ? [s.starts.buffer as ArrayBuffer, s.data.buffer as ArrayBuffer] : []);

async function embed(seq: FeatureSeq): Promise<VersionedSegments | undefined> {
  if (!embedder) return undefined;
  return { version: embedder.version, set: toSegmentSet(await embedder.embed(seq)) };
}

serveTasks<IndexTask, IndexTaskResult>(async (task, signal): Promise<Reply<IndexTaskResult>> => {
  switch (task.kind) {
    case 'describe':
      return { value: { kind: 'describe', embedderVersion: embedder?.version ?? null, note: note ?? null } };
    case 'analyze': {
      const analysis = await analyzer(task.path, signal);
      const segments = await embed(analysis.seq);
      // Copy so the transfer cannot detach a buffer the analyzer still shares with something else.
      analysis.seq.data = analysis.seq.data.slice();
      return {
        value: { kind: 'analyze', analysis, ...(segments ? { segments } : {}) },
        transfer: [analysis.seq.data.buffer as ArrayBuffer, ...buffers(segments?.set)],
      };
    }
    case 'embed': {
      const segments = await embed(task.seq);
      if (!segments) throw new Error('embed task sent to a worker without an embedder');
      return { value: { kind: 'embed', segments }, transfer: buffers(segments.set) };
    }
  }
});
