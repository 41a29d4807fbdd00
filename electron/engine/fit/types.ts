/**
 * The fit module's data: a track's beat grid and per-beat descriptors, a plan (which source
 * ranges play where in the output), and what a fit reports. Times are seconds; "source" is the
 * track's own time, "output" the remix's (0 = the clip's in point).
 */

/** Per-beat descriptors, one row per beat interval [beats[k], beats[k+1]) (the last: to the end). */
export interface BeatDescriptors {
  /** n × 12 pitch-class energy, each row scaled to max 1 (all zero when silent). */
  chroma: Float32Array;
  /** n RMS levels, dB re full scale (floor −100). */
  rmsDb: Float32Array;
  /** n × TIMBRE_DIMS cepstral coefficients 1…TIMBRE_DIMS of the mean log-mel spectrum. */
  timbre: Float32Array;
  /** n onset strengths at the beat (fine energy-rise envelope, its peak within ±25 ms). */
  onset: Float32Array;
}

export const TIMBRE_DIMS = 12;

export interface TrackGrid {
  file: string;
  /** Seconds of audio decoded: the track's end. */
  duration: number;
  bpm: number;
  /** Beat times, seconds, refined to the attack (≈ 3 ms resolution). */
  beats: number[];
  /** 3 or 4. */
  beatsPerBar: number;
  /** Index (0 ≤ phase < beatsPerBar) of the first downbeat in `beats`. */
  downbeatPhase: number;
  /** Bars per phrase (phrase ends are downbeats every `phraseBars` bars from the first downbeat). */
  phraseBars: number;
  /** Does the track end on its own (the music decays or fades out) rather than being cut off? */
  hasEnding: boolean;
  /** Where the music stops: `duration` less trailing digital silence. */
  end: number;
  features: BeatDescriptors;
}

/** One contiguous piece of the source placed in the output. */
export interface KeptRange {
  /** Source seconds. */
  sourceStart: number;
  sourceEnd: number;
  /** Output seconds where it begins. */
  outputStart: number;
}

export interface Splice {
  /** Output seconds of the cut. */
  time: number;
  /** Source seconds left (an out-point on a beat) and entered (an in-point on a beat). */
  from: number;
  to: number;
  /** Beat indices of `from` and `to`. */
  fromBeat: number;
  toBeat: number;
  /** The planner's audibility cost (0 = inaudible; 1 ≈ as different as two neighbouring beats). */
  score: number;
}

export type EndMode = 'ending' | 'phrase';

export interface FitPlan {
  /** Output length, seconds (the target). */
  duration: number;
  ranges: KeptRange[];
  splices: Splice[];
  /** The largest splice score (0 without splices). */
  worstSplice: number;
  /** How the output ends: on the track's own ending or on a phrase end. */
  endMode: EndMode;
  /** Playback speed factor applied to the source (1 = none; within ±3 % only when no path fits). */
  tempoRatio: number;
  /** Source seconds the output starts at. */
  start: number;
  /** Output times of the source's beats and downbeats that are heard. */
  beats: number[];
  downbeats: number[];
}

export interface HitReport {
  /** Shot cuts (output seconds) considered. */
  cuts: number[];
  /** Cuts with a downbeat within the tolerance, before (plan without --hits) and after. */
  before: number;
  after: number;
  toleranceSeconds: number;
}
