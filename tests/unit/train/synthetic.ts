/**
 * A tiny TrainingData with no media: every pair has a latent (arousal, valence, pace), and both
 * sides' FeatureSeqs are noisy functions of it through different fixed mixes, so a dual encoder can
 * learn to retrieve a clip's track while an untrained one cannot.
 */
import { segmentWindows } from '../../../electron/engine/encoders/segments';
import type { CorpusManifest, Latent, Split } from '../../../electron/engine/corpus/types';
import type { AudioSummary } from '../../../electron/engine/features/audio';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import type { VideoSummary } from '../../../electron/engine/features/video';
import { createRng, type Rng } from '../../../electron/engine/util/prng';
import { moodClass, type PairSample, type TrainingData } from '../../../electron/engine/train/dataset';

export interface SyntheticOptions {
  seed?: number;
  counts?: Record<Split, number>;
  window?: number;
  hop?: number;
  videoDim?: number;
  audioDim?: number;
  /** Per-step noise std (the signal has std ~0.3 per latent). */
  noise?: number;
}

const gauss = (rng: Rng): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());

/** D × 3 mixing matrix, fixed per modality by the seed. */
function mix(D: number, rng: Rng): number[][] {
  return Array.from({ length: D }, () => [gauss(rng), gauss(rng), gauss(rng)]);
}

/**
 * T × D descriptors: column c is mix[c]·(latent − 0.5) plus noise whose size grows with arousal
 * (so the per-window std carries the latent too), plus a slow wobble at a pace-dependent rate.
 */
function sequence(latent: Latent, mixing: number[][], T: number, noise: number, spec: string, rng: Rng): FeatureSeq {
  const D = mixing.length;
  const z = [latent.arousal - 0.5, latent.valence - 0.5, latent.pace - 0.5];
  const data = new Float32Array(T * D);
  const sd = noise * (0.5 + latent.arousal);
  for (let t = 0; t < T; t++) {
    const wobble = 0.2 * Math.sin(t * (0.5 + 2 * latent.pace));
    for (let c = 0; c < D; c++) {
      const w = mixing[c];
      data[t * D + c] = 2 * (w[0] * z[0] + w[1] * z[1] + w[2] * z[2]) + (c === 0 ? wobble : 0) + sd * gauss(rng);
    }
  }
  return { step: 0.5, names: Array.from({ length: D }, (_, c) => `f${c}`), data, T, D, spec, start: 0 };
}

const videoSummary = (T: number): VideoSummary => ({
  duration: T * 0.5,
  cuts: [],
  cutsPerMinute: 0,
  motion: 0,
  brightness: 0,
  saturation: 0,
  colourfulness: 0,
  warmth: 0,
  width: 32,
  height: 32,
});

const audioSummary = (T: number): AudioSummary => ({
  duration: T * 0.5,
  tempo: null,
  beats: [],
  key: null,
  loudnessLufs: null,
  rmsDb: -20,
  energy: 0.1,
  dynamicRangeDb: 6,
});

export function syntheticTrainingData(options: SyntheticOptions = {}): TrainingData {
  const seed = options.seed ?? 7;
  const counts = options.counts ?? { train: 40, val: 24, test: 12 };
  const window = options.window ?? 6;
  const hop = options.hop ?? 2;
  const noise = options.noise ?? 0.4;
  const rng = createRng(seed);
  const videoMix = mix(options.videoDim ?? 6, rng);
  const audioMix = mix(options.audioDim ?? 5, rng);
  const spec = { video: 'synthetic-v', audio: 'synthetic-a' };
  const pairs: PairSample[] = [];
  for (const split of ['train', 'val', 'test'] as const) {
    for (let k = 0; k < counts[split]; k++) {
      const latent: Latent = { arousal: rng.next(), valence: rng.next(), pace: rng.next() };
      // Lengths differ per side and per pair, some shorter than one window (padded to one segment).
      const tv = window - 2 + rng.int(3 * window);
      const ta = window - 2 + rng.int(3 * window);
      const vseq = sequence(latent, videoMix, tv, noise, spec.video, rng);
      const aseq = sequence(latent, audioMix, ta, noise, spec.audio, rng);
      const index = pairs.length;
      pairs.push({
        id: `p${String(index).padStart(3, '0')}`,
        index,
        split,
        latent,
        classId: moodClass(latent),
        video: { seq: vseq, summary: videoSummary(tv), segments: segmentWindows(vseq, { window, hop }) },
        audio: { seq: aseq, summary: audioSummary(ta), segments: segmentWindows(aseq, { window, hop }) },
      });
    }
  }
  // Only the fields the trainer and export read are meaningful; the rest is a stand-in.
  const manifest = { version: 1, seed, options: {}, heldOut: {}, pairs: [] } as unknown as CorpusManifest;
  return { manifest, corpusDir: '(synthetic)', pairs, dims: { video: videoMix.length, audio: audioMix.length }, spec, window, hop };
}

/** Small encoder and short schedule for tests. */
export const TINY = { hidden: 16, outDim: 8, convLayers: 1 as const, batchSize: 16, lr: 1e-2, warmup: 5, evalEvery: 10, patience: 100 };
