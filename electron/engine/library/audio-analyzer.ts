import type { TrackSummary } from '../catalog/types';
import { extractAudioFeatures, type AudioSummary } from '../features/audio';
import { probe } from '../media/probe';
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
    loudnessLufs: s.loudnessLufs,
    rmsDb: s.rmsDb,
    dynamicRangeDb: s.dynamicRangeDb,
    ...(s.partial ? { partial: s.partial } : {}),
  };
}

/** The default TrackAnalyzer: one ffprobe (tags, duration), then the streamed audio descriptors. */
export async function analyzeTrack(file: string, signal: AbortSignal): Promise<TrackAnalysis> {
  const info = await probe(file, { signal });
  const { seq, summary } = await extractAudioFeatures(file, { signal, info });
  return {
    info: { title: info.tags.title ?? null, artist: info.tags.artist ?? null, album: info.tags.album ?? null, duration: info.duration },
    seq,
    summary: trackSummary(summary),
  };
}
