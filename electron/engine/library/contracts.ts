import type { TrackInfo, TrackSummary } from '../catalog/types';
import type { FeatureSeq } from '../features/types';

/**
 * What the indexer needs from the rest of the engine, as two small injected pieces. Worker
 * threads cannot receive functions, so they get a ComponentsRef (a module URL + JSON options)
 * and build their own components from it once at start-up.
 */

/** Probe + decode + descriptors for one audio file. Bad input → inputError(file, cause). */
export interface TrackAnalysis {
  info: TrackInfo;
  seq: FeatureSeq;
  summary: TrackSummary;
  /** The file holds a moving picture (a video stream other than cover art): a video, not music; not catalogued. */
  video?: boolean;
}
export type TrackAnalyzer = (file: string, signal: AbortSignal) => Promise<TrackAnalysis>;
/**
 * The TrackAnalyzer's outcome for each of several files, in order, from fewer processes (one
 * ffmpeg for the batch). A file's failure is its own entry and changes nothing for the others;
 * only cancellation rejects the whole call.
 */
export type BatchTrackAnalyzer = (files: readonly string[], signal: AbortSignal) => Promise<Array<PromiseSettledResult<TrackAnalysis>>>;

/** Feature sequence → segment embeddings (n × dim, unit rows) for one model version. */
export interface SegmentEmbedding {
  starts: number[];
  data: Float32Array;
  dim: number;
}
export interface SegmentEmbedder {
  /** Model version id; segments are stored under it. */
  version: string;
  embed(seq: FeatureSeq): Promise<SegmentEmbedding>;
}

export interface IndexerComponents {
  analyzer: TrackAnalyzer;
  /** Present: the indexer hands this worker files in batches (the same analyses as `analyzer`, cheaper). */
  analyzeBatch?: BatchTrackAnalyzer;
  /** Absent: index features only; `reembed` fills segments once a model exists. */
  embedder?: SegmentEmbedder;
  /** Why there is no embedder (or anything else the user should hear), reported once per run. */
  note?: string;
}

/** A module exporting `createIndexerComponents(options)`, plus the options to pass it. */
export interface ComponentsRef {
  module: string;
  options?: unknown;
  /**
   * The analyzer's version, stamped on each summary it produces. A track analysed by an older
   * version is analysed again by the next scan even though its file did not change, so catalogs
   * pick up better tempo and key. Absent: no stamping, no re-analysis.
   */
  analysisVersion?: number;
}
export type CreateIndexerComponents = (options: unknown) => Promise<IndexerComponents>;
