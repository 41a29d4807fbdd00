import type { Segments } from '../encoders/segments';
import { createRng } from '../util/prng';
import { retrievalFromEmbeddings, retrievalMetrics, type RetrievalReport } from '../metric/retrieval';
import type { PairSample } from './dataset';
import { meanVector, stack } from './embed';

/** Turns one item's windows into n × d segment embeddings (TF.js in training, ONNX in the app). */
export interface DualEmbedder {
  dim: number;
  video(segs: Segments): Promise<Float32Array>;
  audio(segs: Segments): Promise<Float32Array>;
}

export interface DirectionReport {
  recall1: number;
  recall5: number;
  recall10: number;
  medianRank: number;
  mapAtR: number;
  /** Items each query was ranked against (absent in reports saved before session 17): see contract/wording's recallIsTrivial. */
  gallery?: number;
}


export interface MethodReport {
  method: string;
  videoToMusic: DirectionReport;
  musicToVideo: DirectionReport;
}

function direction(r: RetrievalReport): DirectionReport {
  return { recall1: r.recallAtK[1], recall5: r.recallAtK[5], recall10: r.recallAtK[10], medianRank: r.medianRank, mapAtR: r.mapAtR, gallery: r.gallery };
}

function report(method: string, sim: (q: 'video' | 'audio') => Float64Array | Float32Array, n: number): MethodReport {
  const labels = Int32Array.from({ length: n }, (_, i) => i);
  return {
    method,
    videoToMusic: direction(retrievalMetrics(sim('video'), labels, labels)),
    musicToVideo: direction(retrievalMetrics(sim('audio'), labels, labels)),
  };
}

/** Clip and track vectors (row-major, items × dim): the normalised means of their segment embeddings. */
export async function embedPairs(items: PairSample[], embedder: DualEmbedder): Promise<{ video: Float32Array; audio: Float32Array }> {
  const d = embedder.dim;
  const video: Float32Array[] = [];
  const audio: Float32Array[] = [];
  for (const p of items) {
    video.push(meanVector(await embedder.video(p.video.segments), d));
    audio.push(meanVector(await embedder.audio(p.audio.segments), d));
  }
  return { video: stack(video, d), audio: stack(audio, d) };
}

/** The learnt model, scored on the items' own pairs. */
export async function evaluateEmbedder(method: string, items: PairSample[], embedder: DualEmbedder): Promise<MethodReport> {
  const d = embedder.dim;
  const { video: v, audio: a } = await embedPairs(items, embedder);
  const labels = Int32Array.from(items, (_, i) => i);
  return {
    method,
    videoToMusic: direction(retrievalFromEmbeddings(v, labels, a, labels, d)),
    musicToVideo: direction(retrievalFromEmbeddings(a, labels, v, labels, d)),
  };
}

/** Chance: a seeded random score for every (query, reference). */
export function randomBaseline(items: PairSample[], seed: number): MethodReport {
  const n = items.length;
  const rng = createRng(seed);
  const sims = { video: Float64Array.from({ length: n * n }, () => rng.next()), audio: Float64Array.from({ length: n * n }, () => rng.next()) };
  return report('random', (q) => sims[q], n);
}

/** The ceiling the corpus allows: rank by distance between the true latents. */
export function oracleBaseline(items: PairSample[]): MethodReport {
  const n = items.length;
  const sim = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const a = items[i].latent;
      const b = items[j].latent;
      sim[i * n + j] = -((a.arousal - b.arousal) ** 2 + (a.valence - b.valence) ** 2 + (a.pace - b.pace) ** 2);
    }
  }
  return report('oracle (true latents)', () => sim, n);
}

function columnMean(p: PairSample['video'] | PairSample['audio'], name: string): number {
  const c = p.seq.names.indexOf(name);
  if (c < 0) throw new RangeError(`no descriptor named ${name}`);
  let s = 0;
  for (let t = 0; t < p.seq.T; t++) s += p.seq.data[t * p.seq.D + c];
  return p.seq.T > 0 ? s / p.seq.T : 0;
}

function zscore(values: number[]): number[] {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length) || 1;
  return values.map((v) => (v - m) / sd);
}

/**
 * No learning: each side's descriptors mapped by hand into (arousal, valence) using the published
 * correspondences: motion and cut rate ↔ tempo, loudness and onset density; lightness, saturation and
 * warmth ↔ major mode and spectral brightness. Each proxy is z-scored over the evaluated set.
 */
export function handMadeBaseline(items: PairSample[]): MethodReport {
  const n = items.length;
  const sum = (...cols: number[][]) => cols[0].map((_, i) => cols.reduce((s, c) => s + c[i], 0) / cols.length);
  const vid = items.map((p) => p.video);
  const aud = items.map((p) => p.audio);
  const vArousal = sum(zscore(vid.map((v) => columnMean(v, 'motion'))), zscore(vid.map((v) => v.summary.cuts.length / Math.max(v.summary.duration, 1))));
  const vValence = sum(zscore(vid.map((v) => columnMean(v, 'luma_mean'))), zscore(vid.map((v) => columnMean(v, 'saturation'))), zscore(vid.map((v) => columnMean(v, 'warmth'))));
  const aArousal = sum(zscore(aud.map((a) => a.summary.tempo?.bpm ?? 120)), zscore(aud.map((a) => columnMean(a, 'rms_db'))), zscore(aud.map((a) => columnMean(a, 'onset'))));
  const aValence = sum(zscore(aud.map((a) => (a.summary.key?.mode === 'major' ? 1 : 0))), zscore(aud.map((a) => columnMean(a, 'centroid_hz'))));
  const simVA = new Float64Array(n * n);
  const simAV = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      simVA[i * n + j] = -((vArousal[i] - aArousal[j]) ** 2 + (vValence[i] - aValence[j]) ** 2);
      simAV[i * n + j] = -((aArousal[i] - vArousal[j]) ** 2 + (aValence[i] - vValence[j]) ** 2);
    }
  }
  return report('hand-made mapping', (q) => (q === 'video' ? simVA : simAV), n);
}
