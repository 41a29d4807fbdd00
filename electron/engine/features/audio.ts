import { inputError, isCancelled } from '../errors';
import { decodeAudio, decodeAudioInto } from '../media/decode';
import { audioStream, noAudioCause, parseInputDump, type InputHeader } from '../media/probe';
import { analyseKey, detectKey, KEY_MIN_CONFIDENCE, type SummaryKey } from './key';
import type { StepSquares } from './frame-kernel';
import { LoudnessMeter } from './loudness';
import { emptyRangeCause, feed, resolveRange, type ExtractOptions, type Partial, type ResolvedRange } from './range';
import { AUDIO_SPEC, PITCH_CLASSES, stepCount } from './spec';
import { round } from '../util/round';
import { SpectralAnalyser } from './spectral';
import { Stft } from './stft';
import { detectTempo, estimateTempo, trackBeats, TEMPO_MIN_CONFIDENCE } from './tempo';
import type { FeatureSeq } from './types';

export interface AudioSummary {
  /** Seconds of audio analysed. */
  duration: number;
  /** Null (unknown) when its confidence is under TEMPO_MIN_CONFIDENCE: no pulse to trust. */
  tempo: { bpm: number; confidence: number } | null;
  /** Beat times at the summary tempo, seconds in file time. */
  beats: number[];
  /** Null (unknown) when its confidence is under KEY_MIN_CONFIDENCE. */
  key: SummaryKey | null;
  /** Integrated loudness, approximate LUFS on the mono downmix (null: silent). */
  loudnessLufs: number | null;
  /** RMS level of the whole range, dBFS (floor −100). */
  rmsDb: number;
  /** Mean per-step RMS amplitude, 0–1 (full-scale sine ≈ 0.71). */
  energy: number;
  /** Spread of per-step RMS levels, dB (95th − 10th percentile). */
  dynamicRangeDb: number;
  /** Set when decoding failed part-way and the features cover only what was decoded. */
  partial?: Partial;
}

export interface AudioFeatures {
  seq: FeatureSeq;
  summary: AudioSummary;
}

const S = AUDIO_SPEC;
const MELS = S.melBands;
const COL = {
  rms: MELS, centroid: MELS + 1, rolloff: MELS + 2, flatness: MELS + 3, onset: MELS + 4, chroma: MELS + 5, beats: MELS + 17,
  triadMajor: MELS + 18, triadMinor: MELS + 19, chromaFlux: MELS + 20, keyMinor: MELS + 21, bassFlux: MELS + 22,
};
const D = S.names.length;
const SAMPLES_PER_STEP = Math.round(S.step * S.sampleRate);
const FRAME_RATE = S.sampleRate / S.hop;
const FLOOR_RMS_DB = -100;
/** Frames per chord window of the summary key (25 = 1 s). */
const CHORD_WINDOW = 25;

const db = (ms: number): number => Math.max(FLOOR_RMS_DB, 10 * Math.log10(ms + 1e-30));
const amplitudeDb = (r: number): number => db(r * r);
/** The value at fraction p of ascending values (FLOOR_RMS_DB when there are none). */
const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? FLOOR_RMS_DB;

/** A copy of `a` in a zeroed array of n (≥ a.length) values. Module-level: a closure per call would change the call's target every track, and V8 would throw out the caller's optimised code. */
function grown(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const g = new Float64Array(n);
  g.set(a);
  return g;
}

/** Streaming audio descriptors: push mono PCM at AUDIO_SPEC.sampleRate, then finish(). */
export class AudioFeatureExtractor {
  private readonly stft: Stft;
  private readonly spectral: SpectralAnalyser;
  private readonly loudness = new LoudnessMeter(S.sampleRate);
  private readonly prevMel = new Float64Array(MELS).fill(S.floorDb);
  /** Per-step sums of frame descriptors (columns as in the output; rms and beats unused here). */
  private sums = new Float64Array(64 * D);
  /** Per-step sums of the frames' bass chroma (12 per step), for bass_flux. */
  private bassSums = new Float64Array(64 * 12);
  private frameCounts = new Float64Array(64);
  private sumSq = new Float64Array(64);
  /** The step the next run of squares belongs to. */
  private runStep = 0;
  private readonly stepRuns: StepSquares = {
    left: SAMPLES_PER_STEP,
    length: SAMPLES_PER_STEP,
    onRun: (ss) => {
      this.sumSq[this.runStep++] += ss;
    },
  };
  private onsets = new Float64Array(1024);
  /** Flux of compressed mel power (log(1 + 10⁴·p)) per frame: the accents that pick the beat level. */
  private accents = new Float64Array(1024);
  private readonly prevAccent = new Float64Array(MELS);
  /** √-compressed chroma over the range and per chord window (CHORD_WINDOW frames), for the summary key. */
  private readonly rootChroma = new Float64Array(12);
  /**
   * The chord windows' √-chroma, 12 per window, flat. Not a fresh `[]` of arrays per extractor:
   * an empty JS array starts as small integers, and its first window deoptimised frame() on every track.
   */
  private chordWindows = new Float64Array(12 * 64);
  private frames = 0;
  private samples = 0;
  private readonly keyChroma = new Float64Array(12);

  constructor(private readonly start = 0) {
    this.stft = new Stft(S.nfft, S.hop, (p, j) => this.frame(p, j));
    this.spectral = new SpectralAnalyser(S.sampleRate, S.nfft, MELS, S.melFmin, S.melFmax, S.floorDb, S.rolloff, S.chromaFmin, S.chromaFmax, S.bassFmax);
  }

  /** Seconds pushed so far. */
  get seconds(): number {
    return this.samples / S.sampleRate;
  }

  push(pcm: Float32Array): void {
    const total = this.samples + pcm.length;
    this.ensureSteps(Math.floor(total / SAMPLES_PER_STEP) + 1);
    // Room for every frame these samples can complete (frame j needs j·hop ≤ samples, finish()
    // included), so frame() itself never grows an array: a branch first taken mid-track sent V8
    // out of frame()'s optimised code (and recompiled it, ~50 ms) in a worker's first tracks.
    this.ensureFrames(Math.floor(total / S.hop) + 1);
    // The steps' Σ x² come from the loudness meter's pass over the same samples.
    this.runStep = Math.floor(this.samples / SAMPLES_PER_STEP);
    this.stepRuns.left = (this.runStep + 1) * SAMPLES_PER_STEP - this.samples;
    this.loudness.push(pcm, this.stepRuns);
    this.samples += pcm.length;
    this.stft.push(pcm);
  }

  /** Onset, accent and chord-window capacity for `frames` frames. */
  private ensureFrames(frames: number): void {
    if (frames > this.onsets.length) {
      const cap = Math.max(frames, this.onsets.length * 2);
      this.onsets = grown(this.onsets, cap);
      this.accents = grown(this.accents, cap);
    }
    const windows = Math.ceil(frames / CHORD_WINDOW);
    if (windows * 12 > this.chordWindows.length) this.chordWindows = grown(this.chordWindows, Math.max(windows * 12, this.chordWindows.length * 2));
  }

  private ensureSteps(steps: number): void {
    if (steps <= this.frameCounts.length) return;
    const cap = Math.max(steps, this.frameCounts.length * 2);
    this.sums = grown(this.sums, cap * D);
    this.bassSums = grown(this.bassSums, cap * 12);
    this.frameCounts = grown(this.frameCounts, cap);
    this.sumSq = grown(this.sumSq, cap);
  }

  private frame(power: Float64Array, j: number): void {
    const f = this.spectral.analyse(power);
    // Spectral flux on log-mel: mean positive change per band, dB.
    let flux = 0;
    for (let b = 0; b < MELS; b++) {
      const d = f.melDb[b] - this.prevMel[b];
      if (d > 0) flux += d;
      this.prevMel[b] = f.melDb[b];
    }
    flux /= MELS;
    let accent = 0;
    for (let b = 0; b < MELS; b++) {
      // 10^(melDb/10) is the band's floored power (melPower, no pow); equal up to a relative 1e-15.
      const c = Math.log1p(1e4 * f.melPower[b]);
      if (c > this.prevAccent[b]) accent += c - this.prevAccent[b];
      this.prevAccent[b] = c;
    }
    // push() made room for frame j in every array below (ensureFrames, ensureSteps).
    this.onsets[j] = flux;
    this.accents[j] = accent / MELS;
    const win = Math.floor(j / CHORD_WINDOW) * 12;
    this.frames = j + 1;
    // A frame belongs to the step holding its centre sample.
    const k = Math.floor((j * S.hop) / SAMPLES_PER_STEP);
    const row = k * D;
    const s = this.sums;
    for (let b = 0; b < MELS; b++) s[row + b] += f.melDb[b];
    s[row + COL.centroid] += f.centroidHz;
    s[row + COL.rolloff] += f.rolloffHz;
    s[row + COL.flatness] += f.flatness;
    s[row + COL.onset] += flux;
    for (let c = 0; c < 12; c++) {
      s[row + COL.chroma + c] += f.chroma[c];
      this.keyChroma[c] += f.chroma[c];
      const root = Math.sqrt(f.chroma[c]);
      this.rootChroma[c] += root;
      this.chordWindows[win + c] += root;
      this.bassSums[k * 12 + c] += f.bassChroma[c];
    }
    this.frameCounts[k]++;
  }

  /**
   * The output rows (step means, rms, chroma relative to the key, triads, fluxes, beat counts) and
   * each step's RMS amplitude. A method of its own, not a loop inside finish(): V8 then compiles
   * this loop alone instead of recompiling all of finish() on every track.
   */
  private stepRows(T: number, beatFrames: number[]): { data: Float32Array; stepRms: Float64Array } {
    const data = new Float32Array(T * D);
    const stepRms = new Float64Array(T);
    const { key, ...modes } = analyseKey(this.keyChroma);
    const tonic = key ? PITCH_CLASSES.indexOf(key.tonic) : 0;
    const chroma = new Float64Array(12);
    const prevChroma = new Float64Array(12);
    const bass = this.bassSums;
    for (let k = 0; k < T; k++) {
      const row = k * D;
      const n = this.frameCounts[k] || 1;
      for (let c = 0; c < D; c++) data[row + c] = this.sums[row + c] / n;
      const count = Math.min(SAMPLES_PER_STEP, this.samples - k * SAMPLES_PER_STEP);
      const ms = count > 0 ? this.sumSq[k] / count : 0;
      data[row + COL.rms] = db(ms);
      stepRms[k] = Math.sqrt(ms);
      let max = 0;
      for (let c = 0; c < 12; c++) max = Math.max(max, this.sums[row + COL.chroma + c]);
      for (let c = 0; c < 12; c++) chroma[c] = max > 0 ? this.sums[row + COL.chroma + c] / max : 0;
      for (let i = 0; i < 12; i++) data[row + COL.chroma + i] = chroma[(i + tonic) % 12];
      data[row + COL.beats] = 0;
      const triads = triadShares(chroma);
      data[row + COL.triadMajor] = triads.major;
      data[row + COL.triadMinor] = triads.minor;
      data[row + COL.chromaFlux] = k > 0 ? 1 - cosine(chroma, prevChroma) : 0;
      data[row + COL.keyMinor] = modes.minor - modes.major;
      // As chroma_flux: a step with no bass peak (a break, silence) reads as no change, not a chord change.
      data[row + COL.bassFlux] = k > 0 ? 1 - cosine(bass.subarray(k * 12, (k + 1) * 12), bass.subarray((k - 1) * 12, k * 12)) : 0;
      prevChroma.set(chroma);
    }
    countBeats(data, T, beatFrames);
    return { data, stepRms };
  }

  finish(partial?: Partial): AudioFeatures {
    this.stft.finish();
    const T = stepCount(this.samples, SAMPLES_PER_STEP);
    const env = this.onsets.subarray(0, this.frames);
    // The columns keep the spec's estimators (the shipped model was trained on them); the summary
    // (what the app shows, the matcher's beat term) uses the metrical-level tempo and chord-aware key.
    const columnTempo = estimateTempo(env, FRAME_RATE, S.tempoMinBpm, S.tempoMaxBpm, S.tempoPriorBpm);
    const beatFrames = columnTempo ? trackBeats(env, FRAME_RATE, columnTempo.bpm) : [];
    const detected = detectTempo(env, this.accents.subarray(0, this.frames), FRAME_RATE);
    const tempo = detected && detected.confidence >= TEMPO_MIN_CONFIDENCE ? detected : null;
    const summaryBeats = tempo ? trackBeats(env, FRAME_RATE, tempo.bpm) : [];
    // The chord windows the frames touched (frame j is in window ⌊j / CHORD_WINDOW⌋).
    const windows = Array.from({ length: Math.ceil(this.frames / CHORD_WINDOW) }, (_, w) => this.chordWindows.subarray(w * 12, (w + 1) * 12));
    const keyGuess = detectKey({ chroma: this.rootChroma, windows });
    const summaryKey = keyGuess && keyGuess.confidence >= KEY_MIN_CONFIDENCE ? keyGuess : null;
    const { data, stepRms } = this.stepRows(T, beatFrames);
    let total = 0;
    for (let k = 0; k < T; k++) total += this.sumSq[k];
    let rmsSum = 0;
    for (let k = 0; k < T; k++) rmsSum += stepRms[k];
    const sortedDb = stepRms.map(amplitudeDb).sort();
    const summary: AudioSummary = {
      duration: round(this.samples / S.sampleRate, 3),
      tempo,
      beats: summaryBeats.map((b) => round(this.start + b / FRAME_RATE, 3)),
      key: summaryKey,
      loudnessLufs: this.loudness.integrated(),
      rmsDb: round(db(total / Math.max(1, this.samples)), 2),
      energy: round(rmsSum / Math.max(1, T), 4),
      dynamicRangeDb: round(percentile(sortedDb, 0.95) - percentile(sortedDb, 0.1), 2),
    };
    if (partial) summary.partial = partial;
    const seq: FeatureSeq = { step: S.step, names: [...S.names], data, T, D, spec: S.version, start: this.start };
    return { seq, summary };
  }
}

/**
 * Each step's beat count in its row. A function of its own: run after stepRows' loop was compiled
 * on the stack (OSR), this loop, not yet run, sent V8 back out of stepRows in a worker's first tracks.
 */
function countBeats(data: Float32Array, T: number, beatFrames: readonly number[]): void {
  for (const b of beatFrames) {
    const k = Math.floor((b * S.hop) / SAMPLES_PER_STEP);
    if (k < T) data[k * D + COL.beats]++;
  }
}

/** Share of the chroma's energy in its best major triad (r, r+4, r+7) and best minor triad (r, r+3, r+7). */
export function triadShares(chroma: ArrayLike<number>): { major: number; minor: number } {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += chroma[i];
  if (sum <= 0) return { major: 0, minor: 0 };
  let major = 0;
  let minor = 0;
  for (let r = 0; r < 12; r++) {
    const root = chroma[r] + chroma[(r + 7) % 12];
    major = Math.max(major, root + chroma[(r + 4) % 12]);
    minor = Math.max(minor, root + chroma[(r + 3) % 12]);
  }
  return { major: major / sum, minor: minor / sum };
}

/** Cosine similarity of two chroma vectors; 1 when either is all zero (no harmonic change to see). */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < 12; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 1;
}

/** Decode a file's first audio stream and extract its descriptors. */
export async function extractAudioFeatures(file: string, opts: ExtractOptions = {}): Promise<AudioFeatures> {
  const range = await resolveRange(file, opts);
  if (!audioStream(range.info)) throw inputError(file, noAudioCause(range.info));
  return extractAudioFrom(range, opts);
}

/** The decode → extract loop for an already resolved range. */
export async function extractAudioFrom(r: ResolvedRange, opts: ExtractOptions): Promise<AudioFeatures> {
  return (await extractAudioPhases(r, opts, [0]))[0];
}

/**
 * extractAudioFrom, the same PCM also described from later starts: one decode, one AudioFeatures per
 * `skips` entry (samples at AUDIO_SPEC.sampleRate left out first, ascending; 0 is the range itself,
 * as extractAudioFrom gives it). Each starts at the file time of its first sample. `keep` sees every
 * chunk of PCM as decoded (a view: copy it to keep it), for describeAudioPhases later.
 */
export async function extractAudioPhases(r: ResolvedRange, opts: ExtractOptions, skips: readonly number[], keep?: (pcm: Float32Array) => void): Promise<AudioFeatures[]> {
  const { info, start, duration, expected } = r;
  const phases = new PhaseFeed(start, skips);
  const dec = { sampleRate: S.sampleRate, start, ...(duration !== undefined ? { duration } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  const push = (pcm: Float32Array): void => {
    phases.push(pcm);
    keep?.(pcm);
    opts.onProgress?.('audio', phases.seconds(), expected);
  };
  const partial = await feed(info.file, decodeAudio(info.file, dec), push, () => phases.seconds(), S.step, 'audio', emptyRangeCause(r, 'audio', S.hop / S.sampleRate, 'hop'));
  return phases.finish(partial);
}

/**
 * extractAudioPhases of PCM decoded before (the chunks its `keep` saw, from `start`, file seconds, and
 * the decode's partial): the same descriptors, no decode.
 */
export function describeAudioPhases(chunks: readonly Float32Array[], start: number, skips: readonly number[], partial?: Partial): AudioFeatures[] {
  const phases = new PhaseFeed(start, skips);
  for (const pcm of chunks) phases.push(pcm);
  return phases.finish(partial);
}

/** One extractor per skip, each fed the same PCM from its skip on. */
class PhaseFeed {
  private readonly exs: AudioFeatureExtractor[];
  private samples = 0;
  constructor(start: number, private readonly skips: readonly number[]) {
    this.exs = skips.map((skip) => new AudioFeatureExtractor(start + skip / S.sampleRate));
  }

  push(pcm: Float32Array): void {
    for (let i = 0; i < this.exs.length; i++) {
      const from = this.skips[i] - this.samples;
      if (from <= 0) this.exs[i].push(pcm);
      else if (from < pcm.length) this.exs[i].push(pcm.subarray(from));
    }
    this.samples += pcm.length;
  }

  seconds(): number {
    return this.samples / S.sampleRate;
  }

  finish(partial: Partial | undefined): AudioFeatures[] {
    return this.exs.map((ex) => ex.finish(partial));
  }
}

/**
 * A whole file's descriptors and its header (stated duration, tags) from one ffmpeg run, which
 * saves the ffprobe run (a process start: ~0.1 CPU-s with Debian's ffmpeg) that
 * probe + extractAudioFeatures cost. The descriptors are the same: same decode, same extractor.
 * Null when this run cannot stand in for that path exactly — the decode failed part-way or held
 * invalid samples (that path keeps and flags what it can), or decoded nothing — so the caller
 * runs it. `header` is null when the dump could not be read (then probe() says what the file is).
 */
export async function extractAudioWithHeader(file: string, signal?: AbortSignal): Promise<{ features: AudioFeatures; header: InputHeader | null } | null> {
  const ex = new AudioFeatureExtractor(0);
  let dump: string | undefined;
  try {
    await decodeAudioInto(file, { sampleRate: S.sampleRate, ...(signal ? { signal } : {}), onInputDump: (d) => (dump = d) }, (pcm) => ex.push(pcm));
  } catch (err) {
    if (isCancelled(err) || signal?.aborted) throw err;
    return null;
  }
  if (ex.seconds === 0) return null;
  return { features: ex.finish(), header: dump === undefined ? null : parseInputDump(dump) };
}
