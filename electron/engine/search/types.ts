/** Shapes shared by the search engine and the playlist curation built on it. */

/** A catalog track id (SQLite rowid): a non-negative safe integer, also the ANN key. */
export type TrackId = number;

export type Mode = 'major' | 'minor';

/** What the matcher reads of a track's analysis (the catalog's TrackSummary, typed and defaulted for search). */
export interface SearchSummary {
  /** Seconds. */
  duration: number;
  bpm: number;
  /** Beat times in seconds from the track start, ascending. */
  beats: ArrayLike<number>;
  key: string;
  mode: Mode;
  /** Track energy on a 0..1 scale (app/energy.ts: flux, tempo, brightness, noisiness; loudness barely). */
  energy: number;
}

/** Per-track mood scalars (0..1). */
export interface TrackMood {
  /** Spectral brightness (normalised centroid). */
  brightness: number;
}

export interface SearchTrackInfo {
  summary: SearchSummary;
  mood: TrackMood;
}

/** What `SegmentStore.addTrack` takes: one track's segment embeddings and their start times. */
export interface TrackSegments extends SearchTrackInfo {
  id: TrackId;
  /** count × dim row-major, rows L2-normalised. */
  embeddings: Float32Array;
  /** Start time (s) of each segment in the track. */
  starts: ArrayLike<number>;
}

/** Per-clip summary used by the beat/cut term and the explanation. */
export interface ClipSummary {
  /** Seconds. */
  duration: number;
  /** Shot cut times in seconds from the clip start, ascending. */
  cuts: ArrayLike<number>;
  /** Motion energy on a 0..1 scale. */
  motion: number;
  /** Picture brightness on a 0..1 scale. */
  brightness: number;
}

/** A query: the clip's segment embeddings (hop 1 s) plus its cut times. */
export interface ClipQuery {
  /** m × dim row-major, rows L2-normalised. */
  embeddings: Float32Array;
  /** Cut times (s) relative to the clip start. */
  cuts: ArrayLike<number>;
  /** Start time (s) of clip segment 0 relative to the clip start; 0 when omitted. */
  firstStart?: number;
}

export interface MatchResult {
  trackId: TrackId;
  /** alignScore + beatWeight · beatShare. */
  score: number;
  /** Where in the track to start playing so it fits the clip (s). */
  offset: number;
  /** Best mean cosine of the clip's segment sequence against a window of the track's segments. */
  alignScore: number;
  /** Share of the clip's cuts within ±80 ms of a track beat at `offset`. */
  beatShare: number;
}

/** Progress of building a search structure (rows done of total). */
export interface AnnBuildProgress {
  done: number;
  total: number;
  /** Rows per second so far. */
  rate: number;
  etaSeconds: number;
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (p: AnnBuildProgress) => void;
  /** Rows added per native call; between calls the event loop runs and cancellation is checked. */
  chunkRows?: number;
}
