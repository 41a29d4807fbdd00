/**
 * A track's beat grid and per-beat descriptors for fitting, from one decode of its audio (mono at
 * the feature sample rate). Beats come from the features' tempo tracker (tempo.ts, the same
 * onset envelope as the stored summaries) unless the caller passes stored ones.
 */
import { inputError } from '../errors';
import { AUDIO_SPEC } from '../features/spec';
import { SpectralAnalyser } from '../features/spectral';
import { Stft } from '../features/stft';
import { estimateTempo, trackBeats } from '../features/tempo';
import { decodeAudio } from '../media/decode';
import { detectEnding, estimateMeter, fineOnsetEnvelope, FINE_HOP, musicEndSample, refineBeats, rmsDb } from './grid';
import { TIMBRE_DIMS, type BeatDescriptors, type TrackGrid } from './types';

const S = AUDIO_SPEC;
const FRAME_RATE = S.sampleRate / S.hop;

/** Beats and tempo already known (a catalog summary), in file seconds. */
export interface KnownBeats {
  bpm: number;
  beats: number[];
}

/** Decode a whole track to mono PCM at the analysis rate. */
export async function decodeTrack(file: string, signal?: AbortSignal): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  let n = 0;
  for await (const c of decodeAudio(file, { sampleRate: S.sampleRate, ...(signal ? { signal } : {}) })) {
    chunks.push(c);
    n += c.length;
  }
  const pcm = new Float32Array(n);
  let o = 0;
  for (const c of chunks) {
    pcm.set(c, o);
    o += c.length;
  }
  return pcm;
}

interface Frames {
  onset: Float64Array;
  chroma: Float32Array;
  mel: Float32Array;
  count: number;
}

/** STFT frames: onset flux (as the audio features compute it), chroma and log-mel. */
function frameDescriptors(pcm: Float32Array): Frames {
  const spectral = new SpectralAnalyser(S.sampleRate, S.nfft, S.melBands, S.melFmin, S.melFmax, S.floorDb, S.rolloff, S.chromaFmin, S.chromaFmax, S.bassFmax);
  const total = Math.floor(pcm.length / S.hop) + 1;
  const onset = new Float64Array(total);
  const chroma = new Float32Array(total * 12);
  const mel = new Float32Array(total * S.melBands);
  const prev = new Float64Array(S.melBands).fill(S.floorDb);
  let count = 0;
  const stft = new Stft(S.nfft, S.hop, (power, j) => {
    if (j >= total) return;
    const f = spectral.analyse(power);
    let flux = 0;
    for (let b = 0; b < S.melBands; b++) {
      flux += Math.max(0, f.melDb[b] - prev[b]);
      prev[b] = f.melDb[b];
      mel[j * S.melBands + b] = f.melDb[b];
    }
    onset[j] = flux / S.melBands;
    chroma.set(f.chroma, j * 12);
    count = j + 1;
  });
  stft.push(pcm);
  stft.finish();
  return { onset: onset.subarray(0, count), chroma, mel, count };
}

/** Cepstral coefficients 1…TIMBRE_DIMS (DCT-II) of a log-mel vector: the spectral envelope's shape. */
function cepstrum(melDb: Float64Array, out: Float32Array, at: number): void {
  const m = melDb.length;
  for (let c = 1; c <= TIMBRE_DIMS; c++) {
    let s = 0;
    for (let b = 0; b < m; b++) s += melDb[b] * Math.cos((Math.PI * c * (b + 0.5)) / m);
    out[at + c - 1] = s / m;
  }
}

function beatDescriptors(pcm: Float32Array, beats: number[], frames: Frames, env: Float32Array, end: number): BeatDescriptors {
  const n = beats.length;
  const chroma = new Float32Array(n * 12);
  const rms = new Float32Array(n);
  const timbre = new Float32Array(n * TIMBRE_DIMS);
  const onset = new Float32Array(n);
  const melMean = new Float64Array(S.melBands);
  const hopS = FINE_HOP / S.sampleRate;
  for (let k = 0; k < n; k++) {
    const a = beats[k];
    const b = k + 1 < n ? beats[k + 1] : Math.min(end, a + (k > 0 ? a - beats[k - 1] : 0.5));
    rms[k] = rmsDb(pcm, a * S.sampleRate, b * S.sampleRate);
    const f0 = Math.max(0, Math.round(a * FRAME_RATE));
    const f1 = Math.min(frames.count, Math.max(f0 + 1, Math.round(b * FRAME_RATE)));
    melMean.fill(0);
    let max = 0;
    for (let f = f0; f < f1; f++) {
      for (let c = 0; c < 12; c++) chroma[k * 12 + c] += frames.chroma[f * 12 + c];
      for (let m = 0; m < S.melBands; m++) melMean[m] += frames.mel[f * S.melBands + m] / (f1 - f0);
    }
    for (let c = 0; c < 12; c++) max = Math.max(max, chroma[k * 12 + c]);
    for (let c = 0; c < 12; c++) chroma[k * 12 + c] = max > 0 ? chroma[k * 12 + c] / max : 0;
    cepstrum(melMean, timbre, k * TIMBRE_DIMS);
    const c = Math.round(a / hopS);
    for (let f = Math.max(0, c - 9); f <= Math.min(env.length - 1, c + 9); f++) onset[k] = Math.max(onset[k], env[f]);
  }
  return { chroma, rmsDb: rms, timbre, onset };
}

/** The grid of a track already decoded to mono PCM at AUDIO_SPEC.sampleRate. */
export function gridFromPcm(file: string, pcm: Float32Array, known?: KnownBeats): TrackGrid {
  const frames = frameDescriptors(pcm);
  const env = fineOnsetEnvelope(pcm);
  let bpm = known?.bpm ?? 0;
  let coarse = known?.beats ?? [];
  if (!known) {
    const tempo = estimateTempo(frames.onset, FRAME_RATE, S.tempoMinBpm, S.tempoMaxBpm, S.tempoPriorBpm);
    if (tempo) {
      bpm = tempo.bpm;
      coarse = trackBeats(frames.onset, FRAME_RATE, tempo.bpm).map((f) => f / FRAME_RATE);
    }
  }
  const beats = refineBeats(coarse, env, S.sampleRate);
  if (beats.length < 8 || !(bpm > 0)) throw inputError(file, `no steady beat found (${beats.length} beats): a fit splices on beats`);
  const duration = pcm.length / S.sampleRate;
  const features = beatDescriptors(pcm, beats, frames, env, musicEndSample(pcm) / S.sampleRate);
  const ending = detectEnding(pcm, S.sampleRate, features.rmsDb);
  const meter = estimateMeter(features);
  return {
    file,
    duration,
    bpm,
    beats,
    beatsPerBar: meter.beatsPerBar,
    downbeatPhase: meter.phase,
    phraseBars: 4,
    hasEnding: ending.hasEnding,
    end: ending.end,
    features,
  };
}

/** Decode a track and build its grid. */
export async function analyseTrack(file: string, opts: { known?: KnownBeats; signal?: AbortSignal } = {}): Promise<TrackGrid> {
  const pcm = await decodeTrack(file, opts.signal);
  return gridFromPcm(file, pcm, opts.known);
}
