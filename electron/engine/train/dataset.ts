import { join } from 'node:path';
import { loadCorpus } from '../corpus/generate';
import type { CorpusManifest, CorpusPair, Latent, Split } from '../corpus/types';
import { segmentWindows, type Segments } from '../encoders/segments';
import { cancelledError } from '../errors';
import { extractAudioFeatures, type AudioSummary } from '../features/audio';
import { AUDIO_SPEC, VIDEO_SPEC } from '../features/spec';
import type { FeatureSeq } from '../features/types';
import { extractVideoFeatures, type VideoSummary } from '../features/video';
import { cachedFeatures } from './feature-cache';

/** One corpus pair as the trainer sees it: both sides' descriptors, cut into encoder windows. */
export interface PairSample {
  id: string;
  index: number;
  split: Split;
  latent: Latent;
  /** Mood class (arousal × valence × pace terciles, 27) for proxy losses and mood positives. */
  classId: number;
  /**
   * Where the music comes from when it is not the pair's own (`id`'s) soundtrack: a catalogued track
   * under a judged clip. One track's windows never share a batch under two classes.
   */
  musicSource?: string;
  video: { seq: FeatureSeq; summary: VideoSummary; segments: Segments };
  audio: { seq: FeatureSeq; summary: AudioSummary; segments: Segments };
}

export interface TrainingData {
  manifest: CorpusManifest;
  corpusDir: string;
  pairs: PairSample[];
  dims: { video: number; audio: number };
  spec: { video: string; audio: string };
  window: number;
  hop: number;
}

export interface LoadProgress {
  done: number;
  total: number;
  cached: number;
  rate: number;
  etaSeconds: number | undefined;
}

export interface LoadOptions {
  window?: number;
  hop?: number;
  /** Files analysed at once; each runs its own ffmpeg. */
  jobs?: number;
  cacheDir?: string;
  /** Only the first `limit` pairs of the manifest (a corpus still being rendered past them). */
  limit?: number;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

export const MOOD_BINS = 3;

export const MOOD_CLASSES = MOOD_BINS ** 3;

/** Mood class of a latent: its arousal, valence and pace terciles (or `bins`-iles). */
export function moodClass(latent: Latent, bins = MOOD_BINS): number {
  const bin = (x: number) => Math.min(bins - 1, Math.floor(x * bins));
  return (bin(latent.arousal) * bins + bin(latent.valence)) * bins + bin(latent.pace);
}

/** Run `work` over items with at most `jobs` in flight, in order of completion. */
export async function pool<T>(items: readonly T[], jobs: number, work: (item: T, i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) throw cancelledError('feature extraction');
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
}

/** Descriptors for every pair of a corpus, from the feature cache where it has them. */
export async function loadTrainingData(corpusDir: string, opts: LoadOptions = {}): Promise<TrainingData> {
  const full = loadCorpus(corpusDir);
  const manifest = opts.limit === undefined ? full : { ...full, pairs: full.pairs.slice(0, opts.limit) };
  const window = opts.window ?? 16;
  const hop = opts.hop ?? 2;
  const cacheDir = opts.cacheDir ?? join(corpusDir, '.features');
  const started = Date.now();
  let done = 0;
  let cached = 0;
  const samples: PairSample[] = new Array(manifest.pairs.length);
  await pool(
    manifest.pairs,
    opts.jobs ?? 2,
    async (pair: CorpusPair, index: number) => {
      const videoFile = join(corpusDir, pair.video);
      const musicFile = join(corpusDir, pair.music);
      const [video, audio] = await Promise.all([
        cachedFeatures(cacheDir, videoFile, 'video', VIDEO_SPEC.version, () => extractVideoFeatures(videoFile, { signal: opts.signal })),
        cachedFeatures(cacheDir, musicFile, 'audio', AUDIO_SPEC.version, () => extractAudioFeatures(musicFile, { signal: opts.signal })),
      ]);
      if (video.hit && audio.hit) cached++;
      samples[index] = {
        id: pair.id,
        index,
        split: pair.split,
        latent: pair.latent,
        classId: moodClass(pair.latent),
        video: { seq: video.seq, summary: video.summary, segments: segmentWindows(video.seq, { window, hop }) },
        audio: { seq: audio.seq, summary: audio.summary, segments: segmentWindows(audio.seq, { window, hop }) },
      };
      done++;
      const elapsed = (Date.now() - started) / 1000;
      const fresh = done - cached;
      const rate = elapsed > 0 ? done / elapsed : 0;
      opts.onProgress?.({
        done,
        total: manifest.pairs.length,
        cached,
        rate,
        etaSeconds: fresh > 0 ? (manifest.pairs.length - done) / (fresh / elapsed) : undefined,
      });
    },
    opts.signal,
  );
  const first = samples[0];
  return {
    manifest,
    corpusDir,
    pairs: samples,
    dims: { video: first.video.seq.D, audio: first.audio.seq.D },
    spec: { video: VIDEO_SPEC.version, audio: AUDIO_SPEC.version },
    window,
    hop,
  };
}

export const bySplit = (data: TrainingData, split: Split): PairSample[] => data.pairs.filter((p) => p.split === split);
