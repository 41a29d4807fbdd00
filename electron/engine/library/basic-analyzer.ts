import { decodeAudio } from '../media/decode';
import { probe } from '../media/probe';
import { audioStream } from '../media/probe';
import { cancelledError, inputError } from '../errors';
import type { FeatureSeq } from '../features/types';
import type { TrackAnalysis } from './contracts';

/**
 * A small stand-in analyzer: ffprobe tags + streamed PCM → loudness, zero-crossing rate and
 * peak per 0.5 s step. It exists so indexing works and is tested end to end before the full
 * audio descriptors (electron/engine/features/) land; default-components.ts prefers those.
 */
export const BASIC_SPEC = 'basic-audio-v1';
const RATE = 22050;
const STEP = 0.5;
const NAMES = ['rms_db', 'zcr', 'peak_db'];

const db = (x: number): number => 20 * Math.log10(Math.max(x, 1e-6));

export async function basicAnalyze(file: string, signal: AbortSignal): Promise<TrackAnalysis> {
  const info = await probe(file, { signal });
  if (!audioStream(info)) throw inputError(file, 'no audio stream');
  const hop = Math.round(RATE * STEP);
  const rows: number[] = [];
  let sumSq = 0;
  let peak = 0;
  let crossings = 0;
  let n = 0;
  let prev = 0;
  let energy = 0;
  const flush = (): void => {
    const rms = Math.sqrt(sumSq / n);
    energy += rms;
    rows.push(db(rms), crossings / n, db(peak));
    sumSq = peak = crossings = n = 0;
  };
  for await (const chunk of decodeAudio(file, { sampleRate: RATE, signal })) {
    for (let i = 0; i < chunk.length; i++) {
      const x = chunk[i];
      sumSq += x * x;
      const a = Math.abs(x);
      if (a > peak) peak = a;
      if ((x >= 0) !== (prev >= 0)) crossings++;
      prev = x;
      if (++n === hop) flush();
    }
  }
  if (signal.aborted) throw cancelledError('analysis');
  if (n > hop / 4 || rows.length === 0) {
    if (n === 0) throw inputError(file, 'no audio samples decoded');
    flush();
  }
  const T = rows.length / NAMES.length;
  const seq: FeatureSeq = { step: STEP, names: NAMES, data: Float32Array.from(rows), T, D: NAMES.length, spec: BASIC_SPEC, start: 0 };
  return {
    info: { title: info.tags.title ?? null, artist: info.tags.artist ?? null, album: info.tags.album ?? null, duration: info.duration },
    seq,
    summary: { bpm: null, key: null, mode: null, energy: energy / T, beats: [] },
  };
}
