/**
 * A track's energy on the app's 0..1 scale: what the Explore map colours calm ↔ energetic, what
 * an energy-curve playlist follows, and what match's why sets against the clip's motion. It
 * follows the music, not the master: mostly how busy the track is (spectral flux), then its
 * tempo, brightness and noisy share, and only a little its loudness, so one piece mastered at
 * −30 and at −10 LUFS reads nearly the same (docs/features.md "Energy"; review R2.6: it was the
 * whole-track RMS, and every quiet master read calm).
 *
 * Flux, brightness and flatness are whole-track means of stored descriptor columns (energyMeansOf),
 * derived from the catalog's audio features on first read and kept in the track's summary as
 * `energyMeans` (withEnergyMeans): catalogs indexed before this read them once, nothing is decoded
 * again, and a re-analysis writes a new summary without them, so they never go stale.
 */
import { blobToF32 } from '../catalog/blob';
import type { Catalog } from '../catalog/db';
import type { TrackRow, TrackSummary } from '../catalog/types';
import { brightnessLevel, loudnessLevel, noisinessLevel, onsetLevel, tempoLevel } from './scales';
import { finite } from '../util/finite';

/**
 * What the energy reads from the stored descriptors, per track. A step is sounding within
 * SOUNDING_DB of the track's loud level (its 95th-percentile step RMS). `onset`: the mean spectral
 * flux over all steps, the others counting 0 (silence and hiss read calm: the flux of noise far
 * under the music is large in dB). `centroidHz`, `flatness`: means over the sounding steps (the
 * silent ones have none, and hiss would read bright and noisy).
 */
export interface EnergyMeans {
  onset: number;
  centroidHz: number;
  flatness: number;
}
const MEAN_KEYS = ['onset', 'centroidHz', 'flatness'] as const;

/** A step counts as sounding within this many dB of the track's loud level: relative, so a gain moves no step across it. */
export const SOUNDING_DB = 40;

/**
 * Each part's weight. The flux leads: attacks per second times their depth, in dB, so a gain
 * moves it little, and it does not jump an octave as a tempo can. Tempo, brightness and the noisy
 * share (drums, distortion) add what flux misses (fast legato strings, a bright mix); loudness
 * moves a track by at most 0.05 from −30 to −6 LUFS.
 */
export const ENERGY_WEIGHTS = { onset: 0.5, tempo: 0.15, brightness: 0.15, noisiness: 0.15, loudness: 0.05 } as const;

/**
 * The tempo's weight grows with its confidence, from nothing at 0.3 to all of it at 0.7: below
 * that the detector's octave is often wrong (Choice reads 136 BPM at 0.87, a quieter copy of it
 * 68 at 0.31), and a halved tempo would move the energy by 0.1.
 */
export const TEMPO_CONFIDENCE = { none: 0.3, full: 0.7 } as const;


/** The stored means of a summary, when all are there. */
export function storedMeans(summary: TrackSummary): EnergyMeans | undefined {
  const m = summary.energyMeans as Partial<EnergyMeans> | undefined;
  if (!m || typeof m !== 'object') return undefined;
  return MEAN_KEYS.every((k) => finite(m[k])) ? (m as EnergyMeans) : undefined;
}

export interface EnergyPart {
  part: keyof typeof ENERGY_WEIGHTS;
  /** 0..1. */
  level: number;
  /** Its weight as used (the tempo's scaled by its confidence). */
  weight: number;
}

/** The energy's parts for a summary with stored means; a part with nothing to read (no tempo) is left out. */
export function energyParts(summary: TrackSummary, means: EnergyMeans): EnergyPart[] {
  const parts: EnergyPart[] = [
    { part: 'onset', level: onsetLevel(means.onset), weight: ENERGY_WEIGHTS.onset },
    { part: 'brightness', level: brightnessLevel(means.centroidHz), weight: ENERGY_WEIGHTS.brightness },
    { part: 'noisiness', level: noisinessLevel(means.flatness), weight: ENERGY_WEIGHTS.noisiness },
  ];
  if (finite(summary.bpm) && summary.bpm > 0) {
    const conf = finite(summary.tempoConfidence) ? summary.tempoConfidence : 1;
    const trust = Math.min(1, Math.max(0, (conf - TEMPO_CONFIDENCE.none) / (TEMPO_CONFIDENCE.full - TEMPO_CONFIDENCE.none)));
    if (trust > 0) parts.push({ part: 'tempo', level: tempoLevel(summary.bpm), weight: ENERGY_WEIGHTS.tempo * trust });
  }
  const lufs = summary.loudnessLufs;
  if (finite(lufs) || lufs === null) parts.push({ part: 'loudness', level: loudnessLevel(lufs), weight: ENERGY_WEIGHTS.loudness });
  return parts;
}

/**
 * Track energy on the app's 0..1 scale: the weighted mean of its parts. A summary without stored
 * means (one made by hand, not read through withEnergyMeans) gives its `energy` field as it is.
 */
export function trackEnergy(summary: TrackSummary): number {
  const means = storedMeans(summary);
  if (!means) return finite(summary.energy) ? Math.min(1, Math.max(0, summary.energy)) : 0;
  const parts = energyParts(summary, means);
  const total = parts.reduce((s, p) => s + p.weight, 0);
  return parts.reduce((s, p) => s + p.weight * p.level, 0) / total;
}

/** EnergyMeans of a stored feature matrix (T × D, row-major), or undefined without the columns it needs. */
export function energyMeansOf(data: Float32Array, names: readonly string[], D: number): EnergyMeans | undefined {
  const [rms, onset, centroid, flatness] = ['rms_db', 'onset', 'centroid_hz', 'flatness'].map((c) => names.indexOf(c));
  const T = data.length / D;
  if (Math.min(rms, onset, centroid, flatness) < 0 || !(T >= 1)) return undefined;
  const levels = Float64Array.from({ length: T }, (_, t) => data[t * D + rms]).sort();
  const gate = levels[Math.floor(0.95 * (T - 1))] - SOUNDING_DB;
  let n = 0;
  let flux = 0;
  let hz = 0;
  let flat = 0;
  for (let t = 0; t < T; t++) {
    if (!(data[t * D + rms] >= gate)) continue;
    n++;
    flux += data[t * D + onset];
    hz += data[t * D + centroid];
    flat += data[t * D + flatness];
  }
  // n ≥ 1: the 95th-percentile step itself is within the gate.
  return { onset: flux / T, centroidHz: hz / n, flatness: flat / n };
}

/** Rows written per transaction while filling: a large catalog never holds the write lock for long. */
const WRITE_BATCH = 200;

/**
 * Give every row its summary's `energyMeans`, read from the stored audio features where the
 * summary has none yet, and keep them in the catalog (a catalog opened read-only only in the
 * rows). The write is a compare-and-set on the summary read with the features: a re-analysis
 * that lands meanwhile keeps its own summary. Returns the rows, changed in place.
 */
export function withEnergyMeans<R extends Pick<TrackRow, 'id' | 'summary'>>(db: Catalog, rows: R[]): R[] {
  const missing = rows.filter((r) => !storedMeans(r.summary));
  if (missing.length === 0) return rows;
  const read = db.prepare<[number], { summary: string; names: string; d: number; data: Buffer }>(
    "SELECT t.summary, f.names, f.d, f.data FROM tracks t JOIN features f ON f.track_id = t.id AND f.modality = 'audio' WHERE t.id = ?",
  );
  const write = db.readonly ? undefined : db.prepare<[string, number, string]>('UPDATE tracks SET summary = ? WHERE id = ? AND summary = ?');
  const pending: Array<[string, number, string]> = [];
  const flush = write && db.transaction((batch: Array<[string, number, string]>) => {
    for (const args of batch) write.run(...args);
  });
  for (const row of missing) {
    const r = read.get(row.id);
    if (!r) continue;
    const means = energyMeansOf(blobToF32(r.data), JSON.parse(r.names) as string[], r.d);
    if (!means) continue;
    row.summary.energyMeans = { ...means };
    if (!flush) continue;
    const stored = JSON.parse(r.summary) as TrackSummary;
    pending.push([JSON.stringify({ ...stored, energyMeans: means }), row.id, r.summary]);
    if (pending.length >= WRITE_BATCH) flush(pending.splice(0));
  }
  if (flush && pending.length > 0) flush(pending);
  return rows;
}
