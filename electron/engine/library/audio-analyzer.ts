import type { TrackSummary } from '../catalog/types';
import { extractAudioFeatures, extractAudioWithHeader, type AudioFeatures, type AudioSummary } from '../features/audio';
import { checkReadableFile, probe, type MediaInfo } from '../media/probe';
import type { TrackAnalysis } from './contracts';

/** The catalog's track summary from the descriptors' summary: the typed fields, then the rest as extras. */
export function trackSummary(s: AudioSummary): TrackSummary {
  return {
    bpm: s.tempo?.bpm ?? null,
    key: s.key?.tonic ?? null,
    mode: s.key?.mode ?? null,
    energy: s.energy,
    beats: s.beats,
    tempoConfidence: s.tempo?.confidence ?? null,
    keyCorrelation: s.key?.correlation ?? null,
    // 0..1: how far the best key stands above the rest (the UI shows the key as unknown below its threshold).
    keyConfidence: s.key?.confidence ?? null,
    loudnessLufs: s.loudnessLufs,
    rmsDb: s.rmsDb,
    dynamicRangeDb: s.dynamicRangeDb,
    ...(s.partial ? { partial: s.partial } : {}),
  };
}

/**
 * Bump when the summary's values change for the same file (tempo, key, loudness code), so the
 * next scan analyses old tracks again. Catalogs from before stamping count as 1.
 * 2: tempo with a metrical-level prior, key from bass-weighted chroma and progression-aware
 *    profiles; a sine has no tempo or key.
 * 3: the metrical level measures onsets over two frames (tracks at exactly 120 BPM read 60 at some
 *    start offsets); tempo confidences shift.
 */
export const ANALYSIS_VERSION = 3;

/** Decoding this much less than the container states means the file is cut short (not codec padding). */
const SHORTFALL_SECONDS = 0.25;

/** Below this integrated loudness (or with none: under the −70 LUFS gate) a track is near-silent, not music to rank. */
export const NEAR_SILENT_LUFS = -60;

/**
 * The decoded length is what the catalog stores: a file cut short states its whole length in
 * its header but decodes only what is left, with ffmpeg exiting cleanly. Such a shortfall is
 * flagged `partial` with the cause, like a decode that failed part-way.
 */
export function decodedTruth(stated: number, summary: AudioSummary): { duration: number; partial?: AudioSummary['partial'] } {
  const decoded = summary.duration;
  if (summary.partial) return { duration: decoded, partial: summary.partial };
  if (stated - decoded > SHORTFALL_SECONDS) {
    return {
      duration: decoded,
      partial: { decodedSeconds: decoded, cause: `the file is cut short: ${decoded.toFixed(2)} s decode of the ${stated.toFixed(2)} s its header states` },
    };
  }
  return { duration: decoded };
}

/**
 * The stated duration and tags with the descriptors: from the decoding ffmpeg's own input dump
 * when it is exact, else (odd tags, no stated duration, a failed decode) from ffprobe as before,
 * so both ways give the same analysis.
 */
async function describe(file: string, signal: AbortSignal): Promise<{ info: Pick<MediaInfo, 'duration' | 'tags'>; features: AudioFeatures }> {
  // The first check probe() makes, with its messages, before any process starts.
  await checkReadableFile(file);
  const once = await extractAudioWithHeader(file, signal);
  if (!once) {
    const info = await probe(file, { signal });
    return { info, features: await extractAudioFeatures(file, { signal, info }) };
  }
  const { header: h, features } = once;
  if (h && h.duration !== undefined && h.tagsExact && h.container !== 'tty') return { info: { duration: h.duration, tags: h.tags }, features };
  return { info: await probe(file, { signal }), features };
}

/** The default TrackAnalyzer: the streamed audio descriptors and the file's tags from one ffmpeg run (ffprobe only for odd files). */
export async function analyzeTrack(file: string, signal: AbortSignal): Promise<TrackAnalysis> {
  const { info, features } = await describe(file, signal);
  const { seq, summary } = features;
  const { duration, partial } = decodedTruth(info.duration, summary);
  const nearSilent = summary.loudnessLufs === null || summary.loudnessLufs < NEAR_SILENT_LUFS;
  return {
    info: { title: info.tags.title ?? null, artist: info.tags.artist ?? null, album: info.tags.album ?? null, duration },
    seq,
    summary: { ...trackSummary({ ...summary, ...(partial ? { partial } : {}) }), ...(nearSilent ? { nearSilent: true } : {}) },
  };
}
