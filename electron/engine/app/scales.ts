/**
 * The app's 0..1 scales for the "why", the track energy and the energy curve. The descriptors come
 * in their own units (luma difference, dB/frame, BPM, Hz, LUFS); explainMatch compares clip and
 * track on one scale, so each is mapped here, once. Anchors are set from the synthetic corpus
 * (docs/corpus.md: motion 0.005–0.2, centroid 1–4 kHz) and the shared recordings (flux 1.3–2.7
 * dB/frame, flatness 0.01–0.17, −28…−18 LUFS).
 */

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** Mean |Δluma| per frame at 10 fps → 0..1, saturating: 0.01 → 0.18, 0.05 → 0.63, 0.2 → 0.98. */
export const MOTION_SCALE = 0.05;
export function motionLevel(motion: number): number {
  return clamp01(1 - Math.exp(-Math.max(0, motion) / MOTION_SCALE));
}

/*
 * The parts of a track's energy (app/energy.ts, docs/features.md "Energy"). Each reads a stored
 * descriptor that a change of gain leaves alone, except the loudness, which counts little.
 */

/** Mean spectral flux (the `onset` column, dB/frame) → 0..1, saturating: 0.5 → 0.22, 1.3 → 0.48, 2.7 → 0.74, 6 → 0.95. */
export const ONSET_SCALE_DB = 2;
export function onsetLevel(fluxDb: number): number {
  return clamp01(1 - Math.exp(-Math.max(0, fluxDb) / ONSET_SCALE_DB));
}

/** Tempo → 0..1 on a log scale, 60 BPM (0) to 180 BPM (1): a tempo is heard as a ratio. */
export const TEMPO_BPM = { slow: 60, fast: 180 } as const;
export function tempoLevel(bpm: number): number {
  if (!(bpm > 0)) return 0;
  return clamp01(Math.log2(bpm / TEMPO_BPM.slow) / Math.log2(TEMPO_BPM.fast / TEMPO_BPM.slow));
}

/** Mean spectral flatness (0 tonal … 1 noise) → 0..1, saturating: 0.02 → 0.12, 0.12 → 0.55, 0.3 → 0.86: the noisy (percussive, distorted) share. */
export const FLATNESS_SCALE = 0.15;
export function noisinessLevel(flatness: number): number {
  return clamp01(1 - Math.exp(-Math.max(0, flatness) / FLATNESS_SCALE));
}

/** Integrated loudness → 0..1, linear from −30 LUFS (0) to −6 LUFS (1); null (under the −70 LUFS gate) → 0. */
export const LOUDNESS_LUFS = { floor: -30, ceiling: -6 } as const;
export function loudnessLevel(lufs: number | null): number {
  if (lufs === null) return 0;
  return clamp01((lufs - LOUDNESS_LUFS.floor) / (LOUDNESS_LUFS.ceiling - LOUDNESS_LUFS.floor));
}

/** Mean spectral centroid (Hz) → 0..1 on a log scale, 500 Hz (0) to 8 kHz (1): pitch is heard logarithmically. */
export const CENTROID_HZ = { low: 500, high: 8000 } as const;
export function brightnessLevel(centroidHz: number): number {
  if (!(centroidHz > 0)) return 0;
  return clamp01(Math.log2(centroidHz / CENTROID_HZ.low) / Math.log2(CENTROID_HZ.high / CENTROID_HZ.low));
}

/** What the key column and the detail show when no key was found. */
export const NO_KEY = '?';

/** "F# minor", or NO_KEY when the key is unknown. */
export function keyLabel(key: string | null | undefined, mode: string | null | undefined): string {
  if (!key) return NO_KEY;
  return mode ? `${key} ${mode}` : key;
}

/** Mean of one named column of a row-major T × D matrix (0 when absent or empty). */
export function columnMean(data: Float32Array, names: readonly string[], D: number, name: string, from = 0, to = data.length / D): number {
  const c = names.indexOf(name);
  if (c < 0 || to <= from) return 0;
  let s = 0;
  for (let t = from; t < to; t++) s += data[t * D + c];
  return s / (to - from);
}
