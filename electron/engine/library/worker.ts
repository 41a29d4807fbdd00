/**
 * One indexing worker thread: builds its components (analyzer, embedder) from the ComponentsRef
 * in workerData, then analyses files (one at a time, or a batch with one ffmpeg for all when the
 * components can) and embeds feature sequences on request; nothing here touches the catalog.
 */
import { workerData } from 'node:worker_threads';
import type { SegmentSet } from '../catalog/types';
import type { FeatureSeq } from '../features/types';
import { isCancelled } from '../errors';
import { serveTasks, type Reply } from '../jobs/worker-host';
import { toWire, type WireError } from '../jobs/worker-protocol';
import type { ComponentsRef, CreateIndexerComponents, TrackAnalysis } from './contracts';
import { toSegmentSet } from './segment-set';

export type IndexTask =
  | { kind: 'describe' }
  | { kind: 'analyze'; path: string }
  | { kind: 'analyze-batch'; paths: string[] }
  | { kind: 'embed'; seq: FeatureSeq };

export interface VersionedSegments {
  version: string;
  set: SegmentSet;
}

export interface AnalyzedFile {
  analysis: TrackAnalysis;
  segments?: VersionedSegments;
}

/** One file of a batch: its analysis, or why it failed (as plain data: errors do not cross threads). */
export type BatchOutcome = ({ ok: true } & AnalyzedFile) | { ok: false; error: WireError };

export type IndexTaskResult =
  /** `batches`: the components analyse several files at once (the indexer then sends analyze-batch). */
  | { kind: 'describe'; embedderVersion: string | null; note: string | null; batches: boolean }
  | ({ kind: 'analyze' } & AnalyzedFile)
  | { kind: 'analyze-batch'; outcomes: BatchOutcome[] }
  | { kind: 'embed'; segments: VersionedSegments };

const ref = (workerData as { components: ComponentsRef }).components;
const mod = (await import(ref.module)) as { createIndexerComponents?: CreateIndexerComponents };
if (typeof mod.createIndexerComponents !== 'function') throw new Error(`${ref.module} does not export createIndexerComponents`);
const { analyzer, analyzeBatch, embedder, note } = await mod.createIndexerComponents(ref.options);

const buffers = (s: SegmentSet | undefined): ArrayBuffer[] => (s ? [s.starts.buffer as ArrayBuffer, s.data.buffer as ArrayBuffer] : []);

async function embed(seq: FeatureSeq): Promise<VersionedSegments | undefined> {
  if (!embedder) return undefined;
  return { version: embedder.version, set: toSegmentSet(await embedder.embed(seq)) };
}

/** An analysis with its segments, ready to move to the indexer's thread. */
async function finished(analysis: TrackAnalysis, transfer: ArrayBuffer[]): Promise<AnalyzedFile> {
  const segments = await embed(analysis.seq);
  // Copy so the transfer cannot detach a buffer the analyzer still shares with something else.
  analysis.seq.data = analysis.seq.data.slice();
  transfer.push(analysis.seq.data.buffer as ArrayBuffer, ...buffers(segments?.set));
  return { analysis, ...(segments ? { segments } : {}) };
}

async function analyzeAll(paths: string[], signal: AbortSignal, transfer: ArrayBuffer[]): Promise<BatchOutcome[]> {
  if (!analyzeBatch) throw new Error('analyze-batch task sent to a worker whose components analyse one file at a time');
  const outcomes: BatchOutcome[] = [];
  for (const r of await analyzeBatch(paths, signal)) {
    try {
      if (r.status === 'rejected') throw r.reason;
      outcomes.push({ ok: true, ...(await finished(r.value, transfer)) });
    } catch (err) {
      // As a task of its own would: cancelling ends the batch, anything else fails this file only.
      if (isCancelled(err) || signal.aborted) throw err;
      outcomes.push({ ok: false, error: toWire(err) });
    }
  }
  return outcomes;
}

serveTasks<IndexTask, IndexTaskResult>(async (task, signal): Promise<Reply<IndexTaskResult>> => {
  const transfer: ArrayBuffer[] = [];
  switch (task.kind) {
    case 'describe':
      return { value: { kind: 'describe', embedderVersion: embedder?.version ?? null, note: note ?? null, batches: analyzeBatch !== undefined } };
    case 'analyze': {
      const done = await finished(await analyzer(task.path, signal), transfer);
      return { value: { kind: 'analyze', ...done }, transfer };
    }
    case 'analyze-batch': {
      const outcomes = await analyzeAll(task.paths, signal, transfer);
      return { value: { kind: 'analyze-batch', outcomes }, transfer };
    }
    case 'embed': {
      const segments = await embed(task.seq);
      if (!segments) throw new Error('embed task sent to a worker without an embedder');
      return { value: { kind: 'embed', segments }, transfer: buffers(segments.set) };
    }
  }
});
