/**
 * The app's 0..1 scales for the "why" and the energy curve. The descriptors come in their own
 * units (luma difference, dBFS, Hz); explainMatch compares clip and track on one scale, so each
 * is mapped here, once. Anchors are set from the synthetic corpus (docs/corpus.md: motion
 * 0.005–0.2, RMS −24…−11 dBFS, centroid 1–4 kHz) and commercial music (RMS −8…−14 dBFS).
 */

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** Mean |Δluma| per frame at 10 fps → 0..1, saturating: 0.01 → 0.18, 0.05 → 0.63, 0.2 → 0.98. */
export const MOTION_SCALE = 0.05;
export function motionLevel(motion: number): number {
  return clamp01(1 - Math.exp(-Math.max(0, motion) / MOTION_SCALE));
}

/** Whole-track RMS in dBFS → 0..1, linear from −30 dBFS (0) to −6 dBFS (1). */
export const ENERGY_DB = { floor: -30, ceiling: -6 } as const;
export function energyLevel(rmsDb: number): number {
  return clamp01((rmsDb - ENERGY_DB.floor) / (ENERGY_DB.ceiling - ENERGY_DB.floor));
}

/** Mean spectral centroid (Hz) → 0..1 on a log scale, 500 Hz (0) to 8 kHz (1): pitch is heard logarithmically. */
export const CENTROID_HZ = { low: 500, high: 8000 } as const;
export function brightnessLevel(centroidHz: number): number {
  if (!(centroidHz > 0)) return 0;
  return clamp01(Math.log2(centroidHz / CENTROID_HZ.low) / Math.log2(CENTROID_HZ.high / CENTROID_HZ.low));
}

/** "F# minor", or "?" when the key is unknown. */
export function keyLabel(key: string | null | undefined, mode: string | null | undefined): string {
  if (!key) return '?';
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
