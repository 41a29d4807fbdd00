import { createHash } from 'node:crypto';

/**
 * The feature spec: every constant that shapes a FeatureSeq. Its version is a short sha256 of
 * all of them, so a cache built under another spec is recognised as stale.
 */

/** Seconds per FeatureSeq row, both modalities (rows line up across audio and video). */
export const STEP = 0.5;

const MEL_BANDS = 40;
export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
const HUE_BINS = 12;

export const AUDIO_NAMES: readonly string[] = [
  ...Array.from({ length: MEL_BANDS }, (_, i) => `mel_${String(i).padStart(2, '0')}`),
  'rms_db',
  'centroid_hz',
  'rolloff_hz',
  'flatness',
  'onset',
  // Key-relative chroma: semitones above the tonic of the range's estimated key. Absolute pitch
  // classes say which key a track is in, which says nothing about the mood it fits.
  ...Array.from({ length: 12 }, (_, i) => `chroma_rel_${String(i).padStart(2, '0')}`),
  'beats',
  /** Share of the step's chroma in its best major / minor triad (chord quality, key-free). */
  'triad_major',
  'triad_minor',
  /** 1 − cosine of this step's chroma with the previous step's: harmonic change (chord rhythm). */
  'chroma_flux',
  /** Best minor-key minus best major-key profile correlation over the whole range (constant). */
  'key_minor',
  /**
   * chroma_flux of the chroma below bassFmax (bass line and chords): the harmonic rhythm. Over the
   * full range the melody's notes change the chroma every step and hide the chord changes.
   */
  'bass_flux',
];

export const VIDEO_NAMES: readonly string[] = [
  'luma_mean',
  'luma_contrast',
  'saturation',
  'colourfulness',
  ...Array.from({ length: HUE_BINS }, (_, i) => `hue_${String(i * (360 / HUE_BINS)).padStart(3, '0')}`),
  'warmth',
  'edge_density',
  'motion',
  'speed',
  'speed_coarse',
  'cuts',
  /**
   * log2 seconds of the shot holding the step (between detected cuts; the range's ends bound the
   * first and last; at most shotMaxSeconds): the average shot length of film studies, the
   * editing's pace. A window of cut counts sees one or two cuts of a slow edit; every step sees
   * the length of its shot.
   */
  'shot_log2s',
];

function version(doc: object): string {
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, 12);
}

const audioParams = {
  modality: 'audio',
  step: STEP,
  sampleRate: 22050,
  /** STFT window (Hann) and hop in samples: 2048 ≈ 93 ms, 882 = 40 ms (25 frames/s, 12.5 per step). */
  nfft: 2048,
  hop: 882,
  melBands: MEL_BANDS,
  melFmin: 30,
  melFmax: 11025,
  /** dB floor of log-mel bands and of the onset flux (relative to a full-scale sine). */
  floorDb: -80,
  rolloff: 0.85,
  chromaFmin: 65,
  chromaFmax: 5000,
  /** Upper limit of the bass chroma behind bass_flux (bass and chord registers, below most melody). */
  bassFmax: 250,
  /** Chroma from parabola-refined spectral peaks above 1 % of the frame's largest. */
  chroma: 'peaks-1%',
  tempoMinBpm: 40,
  tempoMaxBpm: 240,
  tempoPriorBpm: 120,
  names: AUDIO_NAMES,
} as const;

const videoParams = {
  modality: 'video',
  step: STEP,
  fps: 10,
  /** Decode width in pixels; height follows the display aspect (even, 8–320). */
  width: 160,
  hueBins: HUE_BINS,
  /** Sobel magnitude (luma 0–1, /4) above which a pixel counts as edge. */
  edgeThreshold: 0.1,
  /** RGB histogram (4 levels per channel) L1/2 distance that marks a hard cut, and its local contrast. */
  cutThreshold: 0.15,
  cutContrast: 3,
  /** Mean |Δluma| that marks a cut between shots sharing a palette (histograms alike), same contrast. */
  cutLumaThreshold: 0.03,
  /** Normal-flow speed: luma box-averaged 4×4 for the coarse scale; capped at 32 px/frame; log2(1 + v). */
  speedCoarse: 4,
  speedMax: 32,
  /**
   * shot_log2s ceiling, seconds: one encoder segment (16 steps × 0.5 s). Inside any segment a
   * longer take is simply uncut, and without a ceiling a single 5-minute take would read 8.2,
   * far outside anything training saw (10 s clips: at most 3.3).
   */
  shotMaxSeconds: 8,
  names: VIDEO_NAMES,
} as const;

export type AudioSpec = typeof audioParams & { version: string };
export type VideoSpec = typeof videoParams & { version: string };

export const AUDIO_SPEC: AudioSpec = { ...audioParams, version: `a-${version(audioParams)}` };
export const VIDEO_SPEC: VideoSpec = { ...videoParams, version: `v-${version(videoParams)}` };

/** Rows for `units` of input at `perStep` units per row: a trailing part-row counts if at least half full. */
export function stepCount(units: number, perStep: number): number {
  if (units <= 0) return 0;
  const full = Math.floor(units / perStep);
  const rest = units - full * perStep;
  return Math.max(1, full + (rest >= perStep / 2 ? 1 : 0));
}
