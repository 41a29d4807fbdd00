/**
 * The shape every descriptor sequence takes, for audio and video alike.
 * Rows are fixed time steps; columns are named descriptors.
 */
export interface FeatureSeq {
  /** Seconds per row. */
  step: number;
  /** Column names, length D. */
  names: string[];
  /** Row-major T × D matrix. */
  data: Float32Array;
  T: number;
  D: number;
  /** Feature-spec version (hash of names, step, rates, sizes); caches on another spec are stale. */
  spec: string;
  /** File time (seconds) of row 0. */
  start: number;
}

export type Modality = 'audio' | 'video';
