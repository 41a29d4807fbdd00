/** Row shapes the catalog hands out. Times in seconds, mtimes in ms since the epoch. */

export interface FileRow {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

/** Tags and length of one audio file, as probed. */
export interface TrackInfo {
  title: string | null;
  artist: string | null;
  album: string | null;
  duration: number;
}

/**
 * Per-track descriptors the UI shows and the aligner uses. Known fields are typed; analyzers
 * may add more (stored as JSON as given).
 */
export interface TrackSummary {
  bpm?: number | null;
  key?: string | null;
  mode?: 'major' | 'minor' | null;
  energy?: number | null;
  /** Beat times in seconds. */
  beats?: number[];
  /**
   * Whole-track means of a few stored descriptor columns that the energy reads, derived from the
   * audio features on first read, not by the analyser (app/energy.ts withEnergyMeans).
   */
  energyMeans?: Record<string, number>;
  [extra: string]: unknown;
}

export interface TrackRow extends TrackInfo {
  id: number;
  fileId: number;
  path: string;
  summary: TrackSummary;
}

/** A track's segment embeddings under one model version: n rows of dim floats, unit length. */
export interface SegmentSet {
  starts: Float32Array;
  data: Float32Array;
  dim: number;
}
