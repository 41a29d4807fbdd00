/**
 * The corpus plan: latents, nuisance factors, splits and file names for every pair, decided from
 * the seed alone before any media is rendered (so a resumed run renders exactly the same pairs).
 * The latent → media mapping is documented in docs/corpus.md.
 */
import { clamp01, mixSeed, rng, shuffleInPlace, type Rng } from './rng';
import { round } from '../util/round';
import {
  TIMBRES,
  VIDEO_STYLES,
  type AudioFormat,
  type CorpusManifest,
  type CorpusOptions,
  type CorpusPair,
  type Latent,
  type Nuisance,
  type Split,
  type Timbre,
  type VideoStyle,
} from './types';

export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
const AUDIO_FORMATS: readonly AudioFormat[] = ['ogg', 'mp3', 'flac', 'wav'];
/** Share of pairs per split (test also receives every held-out style and timbre). */
const VAL_SHARE = 0.15;
const TEST_SHARE = 0.15;

export const DEFAULT_OPTIONS: Omit<CorpusOptions, 'pairs'> = {
  clipSeconds: 10,
  trackSeconds: 30,
  width: 320,
  height: 180,
  fps: 24,
  sampleRate: 22050,
};

/** Arousal → tempo: 70–160 BPM (Gabrielsson & Lindström: fast tempo ↔ high activity). */
export function bpmFor(arousal: number, jitter: number): number {
  return Math.round(70 + 90 * arousal + jitter);
}

/**
 * Pace → how many beats a shot lasts and how many beats a chord lasts (rhythmic drive). They are
 * equal: editors cut on chord changes, so shot length and harmonic rhythm carry pace alike.
 */
export function rhythmFor(pace: number): { beatsPerCut: number; beatsPerChord: number } {
  const level = Math.min(4, Math.floor(pace * 5));
  const beats = [8, 6, 4, 3, 2][level];
  return { beatsPerCut: beats, beatsPerChord: beats };
}

/**
 * Palette after Palmer et al. (2013): faster and major music ↔ lighter, more saturated, warmer
 * (yellower) colours; slower and minor ↔ darker, greyer, bluer. Loudness (arousal) adds lightness.
 * Hue runs blue (230°) → violet → red → orange-yellow (50°) as warmth grows.
 */
export function paletteFor(l: Latent, r: Rng): { hue: number; saturation: number; lightness: number } {
  // Stretched about the middle so the corpus spans blue … yellow rather than bunching at violet–red.
  const warmth = clamp01(0.5 + 1.6 * (0.7 * l.valence + 0.3 * l.arousal - 0.5) + r.range(-0.05, 0.05));
  return {
    hue: Math.round((230 + 180 * warmth) % 360),
    saturation: round(clamp01(0.15 + 0.55 * l.valence + 0.25 * l.arousal + r.range(-0.03, 0.03)), 3),
    lightness: round(clamp01(0.2 + 0.45 * l.valence + 0.15 * l.arousal + r.range(-0.03, 0.03)), 3),
  };
}

/** Cut times on the track's beat grid, every beatsPerCut beats, none in the last 0.3 s. */
export function cutTimes(bpm: number, beatsPerCut: number, clipSeconds: number): number[] {
  const shot = (60 / bpm) * beatsPerCut;
  const cuts: number[] = [];
  for (let t = shot; t < clipSeconds - 0.3; t += shot) cuts.push(round(t, 3));
  return cuts;
}

/** Val and test split sizes of a corpus of n pairs: ~15 % each, at least one from 3 pairs up. */
const splitSizes = (n: number): { val: number; test: number } => ({
  val: n >= 3 ? Math.max(1, Math.round(n * VAL_SHARE)) : 0,
  test: n >= 3 ? Math.max(1, Math.round(n * TEST_SHARE)) : 0,
});

/** The fewest pairs a corpus needs for its val and test splits to hold more than `k` pairs each. */
export function pairsForSplitsOver(k: number): number {
  let n = 3;
  while (Math.min(splitSizes(n).val, splitSizes(n).test) <= k) n++;
  return n;
}

/**
 * What a corpus's splits must hold to be trained and scored: the trainer draws its batches from
 * 2 train pairs or more and keeps the step that scores best on the val split (1 pair or more);
 * the test split is ranked for the version's figures, which takes 2 pairs (one pair is first
 * among one, a perfect score for any model), as the `evaluate` operation asks of a split.
 */
export const SPLIT_MINIMUM: Readonly<Record<Split, number>> = { train: 2, val: 1, test: 2 };

/** The train, val and test pairs of a corpus of n pairs. */
export function splitCounts(n: number): Record<Split, number> {
  const { val, test } = splitSizes(n);
  return { train: n - val - test, val, test };
}

/** The fewest pairs a corpus needs for every split to reach SPLIT_MINIMUM (10: 6 train, 2 val, 2 test). */
export function pairsToTrain(): number {
  let n = 1;
  while (splitShortfall(splitCounts(n)) !== null) n++;
  return n;
}

/**
 * What splits of these sizes lack to be trained and scored, in words ("1 train pair, 1 val pair
 * and 1 test pair: training needs …"); null when nothing is missing.
 */
export function splitShortfall(counts: Readonly<Record<Split, number>>): string | null {
  const splits = ['train', 'val', 'test'] as const;
  if (splits.every((s) => counts[s] >= SPLIT_MINIMUM[s])) return null;
  const pairs = (n: number, s: Split): string => `${n} ${s} pair${n === 1 ? '' : 's'}`;
  const has = splits.map((s) => pairs(counts[s], s));
  return (
    `${has.slice(0, -1).join(', ')} and ${has[2]}: training needs at least ${pairs(SPLIT_MINIMUM.train, 'train')} and ${pairs(SPLIT_MINIMUM.val, 'val')}, ` +
    `and scoring the model ${pairs(SPLIT_MINIMUM.test, 'test')}`
  );
}

/** Exact split sizes, shuffled by the seed: ~70/15/15, at least one val and test pair from 3 pairs up. */
function splits(n: number, r: Rng): Split[] {
  const { test: nTest, val: nVal } = splitSizes(n);
  const out: Split[] = Array.from({ length: n }, (_, i) => (i < nTest ? 'test' : i < nTest + nVal ? 'val' : 'train'));
  return shuffleInPlace(out, r);
}

/**
 * Test pairs get the held-out value half the time (the first test pair always); others never.
 * Without a hold-out (null) every split picks from all values alike.
 */
function choose<T>(all: readonly T[], heldOut: T | null, split: Split, forceHeldOut: boolean, r: Rng): T {
  if (heldOut === null) return r.pick(all);
  const rest = all.filter((x) => x !== heldOut);
  if (split !== 'test') return r.pick(rest);
  return forceHeldOut || r.next() < 0.5 ? heldOut : r.pick(rest);
}

function planPair(
  i: number,
  split: Split,
  firstTest: boolean,
  held: { style: VideoStyle | null; timbre: Timbre | null },
  seed: number,
  opts: CorpusOptions,
): CorpusPair {
  const r = rng(mixSeed(seed, i + 1));
  const latent: Latent = { arousal: round(r.next(), 3), valence: round(r.next(), 3), pace: round(r.next(), 3) };
  const style = choose(VIDEO_STYLES, held.style, split, firstTest, r);
  const timbre = choose(TIMBRES, held.timbre, split, firstTest, r);
  const bpm = bpmFor(latent.arousal, r.range(-4, 4));
  const { beatsPerCut, beatsPerChord } = rhythmFor(latent.pace);
  const nuisance: Nuisance = {
    style,
    timbre,
    key: PITCH_CLASSES[r.int(12)],
    mode: latent.valence >= 0.5 ? 'major' : 'minor',
    bpm,
    beatsPerCut,
    beatsPerChord,
    cuts: cutTimes(bpm, beatsPerCut, opts.clipSeconds),
    ...paletteFor(latent, r),
    // VP9 costs ~3× H.264 ultrafast to encode, so one clip in three is webm.
    videoContainer: r.next() < 1 / 3 ? 'webm' : 'mp4',
    audioFormat: r.pick(AUDIO_FORMATS),
    videoSeed: r.seed(),
    musicSeed: r.seed(),
  };
  const id = `p${String(i + 1).padStart(5, '0')}`;
  return {
    id,
    latent,
    nuisance,
    split,
    video: `video/${id}.${nuisance.videoContainer}`,
    music: `music/${id}.${nuisance.audioFormat}`,
  };
}

/** The whole manifest for a seed and options; pure and deterministic. */
export function planCorpus(seed: number, options: CorpusOptions): CorpusManifest {
  const r = rng(mixSeed(seed, 0));
  // Drawn even without a hold-out, so the split shuffle below stays the same either way.
  const drawn = { style: r.pick(VIDEO_STYLES), timbre: r.pick(TIMBRES) };
  const heldOut = options.holdOut === false ? null : drawn;
  const split = splits(options.pairs, r);
  const firstTest = split.indexOf('test');
  const pairs = split.map((s, i) => planPair(i, s, i === firstTest, heldOut ?? { style: null, timbre: null }, seed, options));
  return { version: 1, seed, options, heldOut, pairs };
}

/**
 * Extra test-only pairs for an existing corpus (a benchmark that wants more held-out queries than
 * its test split, without changing its train/val/test pairs): indices after its last pair, so every
 * latent and medium is new, each drawn as that corpus's test pairs are (its held-out style and
 * timbre half the time).
 */
export function planExtraTestPairs(manifest: CorpusManifest, count: number): CorpusPair[] {
  const start = manifest.pairs.length;
  const held = manifest.heldOut ?? { style: null, timbre: null };
  return Array.from({ length: count }, (_, k) => planPair(start + k, 'test', false, held, manifest.seed, manifest.options));
}
