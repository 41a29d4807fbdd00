/**
 * The fit module's data: a track's beat grid and per-beat descriptors, a plan (which source
 * ranges play where in the output), and what a fit reports. Times are seconds; "source" is the
 * track's own time, "output" the remix's (0 = the clip's in point).
 */
import type { FitPlanView, FitRangeView, FitSpliceView } from '../../contract/types';

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

/** A kept range, a splice and a plan are the contract's shapes (the app draws and edits them). */
export type KeptRange = FitRangeView;
export type Splice = FitSpliceView;
export type EndMode = FitPlanView['endMode'];
export type FitPlan = FitPlanView;

export interface HitReport {
  /** Shot cuts (output seconds) considered. */
  cuts: number[];
  /** Cuts with a downbeat within the tolerance, before (plan without --hits) and after. */
  before: number;
  after: number;
  toleranceSeconds: number;
}
