import type { TrackSummary } from '../catalog/types';
import { isCancelled } from '../errors';
import { AudioFeatureExtractor, extractAudioFeatures, extractAudioWithHeader, type AudioFeatures, type AudioSummary } from '../features/audio';
import { AUDIO_SPEC } from '../features/spec';
import { decodeAudioBatch } from '../media/decode';
import { checkReadableFile, parseInputDump, probe, type InputHeader, type MediaInfo } from '../media/probe';
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
 * 4: loudness by BS.1770's K-weighting filters (the shelf was the RBJ cookbook's: 0.26 LU low);
 *    an input shorter than one 400 ms block measured by every sample once.
 * 5: the metrical level keeps a level with pulses of its own half-way between its beats rather
 *    than drop it away from ~115 BPM (kick-heavy tracks read half: Vibe Ace 65 for ~130); the
 *    summary tempo, confidence and beats move, the descriptor columns do not.
 */
export const ANALYSIS_VERSION = 5;

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

/** One ffmpeg run's descriptors of a file and its input dump's header (null: the dump could not be read). */
type OneRun = { features: AudioFeatures; header: InputHeader | null };

/**
 * The stated duration and tags with the descriptors: from the decoding ffmpeg's own input dump
 * when it is exact, else (odd tags, no stated duration, a failed decode) from ffprobe as before,
 * so both ways give the same analysis. `decoded`: the run already made (a batch's), else one is.
 */
async function describe(file: string, signal: AbortSignal, decoded?: OneRun): Promise<{ info: Pick<MediaInfo, 'duration' | 'tags'>; features: AudioFeatures; picture: boolean }> {
  // The first check probe() makes, with its messages, before any process starts.
  await checkReadableFile(file);
  const once = decoded ?? (await extractAudioWithHeader(file, signal));
  const pictureIn = (info: MediaInfo): boolean => info.streams.some((s) => s.type === 'video' && !s.attachedPic);
  if (!once) {
    const info = await probe(file, { signal });
    return { info, features: await extractAudioFeatures(file, { signal, info }), picture: pictureIn(info) };
  }
  const { header: h, features } = once;
  if (h && h.duration !== undefined && h.tagsExact && h.container !== 'tty') return { info: { duration: h.duration, tags: h.tags }, features, picture: h.picture };
  const info = await probe(file, { signal });
  return { info, features, picture: pictureIn(info) };
}

function analysisOf({ info, features, picture }: Awaited<ReturnType<typeof describe>>): TrackAnalysis {
  const { seq, summary } = features;
  const { duration, partial } = decodedTruth(info.duration, summary);
  const nearSilent = summary.loudnessLufs === null || summary.loudnessLufs < NEAR_SILENT_LUFS;
  return {
    info: { title: info.tags.title ?? null, artist: info.tags.artist ?? null, album: info.tags.album ?? null, duration },
    seq,
    summary: { ...trackSummary({ ...summary, ...(partial ? { partial } : {}) }), ...(nearSilent ? { nearSilent: true } : {}) },
    // Any container may hold a video (Theora in .ogg, VP8 in .mka): told from the same run's streams, no process more (review R1.7).
    ...(picture ? { video: true } : {}),
  };
}

/** The default TrackAnalyzer: the streamed audio descriptors and the file's tags from one ffmpeg run (ffprobe only for odd files). */
export async function analyzeTrack(file: string, signal: AbortSignal): Promise<TrackAnalysis> {
  return analysisOf(await describe(file, signal));
}

/**
 * Each file's one-run result from a single ffmpeg decoding all of them, or null for a file that
 * run cannot stand for (as extractAudioWithHeader's null: invalid samples, nothing decoded), and
 * null for all when the run was not clean (a file it could not open, an error it printed).
 */
async function decodeTogether(files: readonly string[], signal: AbortSignal): Promise<Array<OneRun | null>> {
  const extractors = files.map(() => new AudioFeatureExtractor(0));
  let run;
  try {
    run = await decodeAudioBatch(files, { sampleRate: AUDIO_SPEC.sampleRate, signal }, (k, pcm) => extractors[k].push(pcm));
  } catch (err) {
    if (isCancelled(err) || signal.aborted) throw err;
    return files.map(() => null);
  }
  if (!run.clean) return files.map(() => null);
  return files.map((_, k) => {
    if (run.files[k].nonFinite > 0 || extractors[k].seconds === 0) return null;
    try {
      return { features: extractors[k].finish(), header: parseInputDump(run.dump, k) };
    } catch {
      // Whatever finish() refused, the file's own run will say it again, as its own error.
      return null;
    }
  });
}

/**
 * Files from this size on are decoded by an ffmpeg of their own. With several inputs ffmpeg 5.1
 * demuxes each on a thread of its own and hands every packet over with a lock and a wake-up
 * (~4 futex calls a packet): on a 240 s mp3 that costs about what the shared start-up saves
 * (8 × 240 s: 3.3–3.4 CPU-s in one run against 3.1–3.2 in eight), on a 30 s one a tenth of it.
 * 2 MiB is ~85 s of 192 kb/s mp3.
 */
export const SHARED_RUN_MAX_BYTES = 2 << 20;

/**
 * The default BatchTrackAnalyzer: analyzeTrack's result for every file, bit for bit, with one
 * ffmpeg for the batch instead of one per file (a process start, ~0.07–0.1 CPU-s, saved per
 * file). Files that fail the readable check get its error at once and stay out of the run; a
 * file the shared run cannot stand for (and all of them, when that run was not clean) is
 * analysed on its own, one at a time, exactly as analyzeTrack does, so every file gets its own
 * outcome and a bad file changes nothing for the others.
 */
export async function analyzeTracks(files: readonly string[], signal: AbortSignal): Promise<Array<PromiseSettledResult<TrackAnalysis>>> {
  const readable = await Promise.allSettled(files.map((f) => checkReadableFile(f)));
  const short: string[] = [];
  files.forEach((f, i) => {
    const r = readable[i];
    if (r.status === 'fulfilled' && r.value < SHARED_RUN_MAX_BYTES) short.push(f);
  });
  const runs = new Map<string, OneRun | null>();
  // Only the small files share a run; a file alone (a large one, or the one small file) takes
  // analyzeTrack's own path below: a run of one saves nothing, and an error line it printed would
  // make it decode a second time.
  if (short.length >= 2) {
    const decoded = await decodeTogether(short, signal);
    short.forEach((f, k) => runs.set(f, decoded[k]));
  }
  const out: Array<PromiseSettledResult<TrackAnalysis>> = [];
  for (const [i, file] of files.entries()) {
    const check = readable[i];
    if (check.status === 'rejected') {
      out.push(check);
      continue;
    }
    try {
      out.push({ status: 'fulfilled', value: analysisOf(await describe(file, signal, runs.get(file) ?? undefined)) });
    } catch (err) {
      if (isCancelled(err) || signal.aborted) throw err;
      out.push({ status: 'rejected', reason: err });
    }
  }
  return out;
}
