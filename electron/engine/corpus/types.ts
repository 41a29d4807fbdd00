/**
 * The synthetic paired corpus: every pair is one video clip and one music track rendered from the
 * same latent (arousal, valence, pace), so the "right answer" for retrieval is known.
 */

export const VIDEO_STYLES = ['shapes', 'noise', 'gradients', 'cellauto', 'life', 'pan'] as const;
export type VideoStyle = (typeof VIDEO_STYLES)[number];

export const TIMBRES = ['bell', 'saw', 'square', 'organ', 'pluck'] as const;
export type Timbre = (typeof TIMBRES)[number];

export type VideoContainer = 'mp4' | 'webm';
export type AudioFormat = 'ogg' | 'mp3' | 'flac' | 'wav';
export type Split = 'train' | 'val' | 'test';
export type Mode = 'major' | 'minor';

/** What the pair is "about": each in [0, 1]. */
export interface Latent {
  arousal: number;
  valence: number;
  pace: number;
}

/** Everything else that varies between pairs without carrying the latent. */
export interface Nuisance {
  style: VideoStyle;
  timbre: Timbre;
  /** Key root as a pitch-class name, e.g. "F#". */
  key: string;
  mode: Mode;
  bpm: number;
  /** Beats between video cuts (pace picks it; at the pair's bpm). */
  beatsPerCut: number;
  /** Beats per chord in the track (harmonic rhythm, from pace). */
  beatsPerChord: number;
  /** Cut times in seconds from the clip's start (the first shot starts at 0 and is not listed). */
  cuts: number[];
  /** Clip palette: hue in degrees, saturation and lightness in [0, 1]. */
  hue: number;
  saturation: number;
  lightness: number;
  videoContainer: VideoContainer;
  audioFormat: AudioFormat;
  videoSeed: number;
  musicSeed: number;
}

export interface CorpusPair {
  id: string;
  latent: Latent;
  nuisance: Nuisance;
  split: Split;
  /** Paths relative to the manifest's folder. */
  video: string;
  music: string;
}

/** Settings that shape every file; a corpus folder can only be resumed with the same ones. */
export interface CorpusOptions {
  pairs: number;
  clipSeconds: number;
  trackSeconds: number;
  width: number;
  height: number;
  fps: number;
  sampleRate: number;
  /**
   * false: no style or timbre is kept for the test split (every split draws from all of them).
   * Absent means true, so manifests written before this option compare equal on resume.
   */
  holdOut?: false;
}

export interface CorpusManifest {
  version: 1;
  seed: number;
  options: CorpusOptions;
  /** The video style and the timbre that appear only in the test split; null with `holdOut: false`. */
  heldOut: { style: VideoStyle; timbre: Timbre } | null;
  pairs: CorpusPair[];
}

export interface CorpusProgress {
  /** Pairs finished so far, including those found complete on disk. */
  done: number;
  total: number;
  /** Pairs found complete on disk and not rendered again. */
  skipped: number;
  /** Pairs rendered per second in this run (skipped ones excluded). */
  rate: number;
  /** Seconds left at the current rate; undefined until a pair has been rendered. */
  etaSeconds: number | undefined;
  /** The pair that just finished. */
  id: string;
}

export interface GenerateCorpusOptions {
  outDir: string;
  pairs: number;
  seed: number;
  /** Pairs rendered at once (each is one ffmpeg process plus synthesis); default 2. */
  jobs?: number;
  clipSeconds?: number;
  trackSeconds?: number;
  width?: number;
  height?: number;
  fps?: number;
  sampleRate?: number;
  /** false: every split draws from every style and timbre (see CorpusOptions.holdOut). */
  holdOut?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: CorpusProgress) => void;
}
