import type { Segments } from '../encoders/segments';
import { createRng } from '../util/prng';
import { rankReferences, retrievalFromEmbeddings, retrievalMetrics, similarityMatrix, type RetrievalReport } from '../metric/retrieval';
import type { PairSample } from './dataset';
import { meanVector, stack } from './vectors';

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
  /** Mean reciprocal rank of the first right answer (held-out scoring by source, sourceRetrieval; absent elsewhere). */
  mrr?: number;
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

/** The pictures a held-out window belongs to: its edit, or its judged clip (both are the pair's id, a path). */
const pictureSource = (p: PairSample): string => p.id;
/** The music a held-out window belongs to: its edit's own soundtrack, or the catalogued track accepted under a judged clip. */
const musicSourceOf = (p: PairSample): string => p.musicSource ?? p.id;

/** Distinct music sources among `items`: the gallery a held-out picture window is ranked against. */
export const musicSources = (items: readonly PairSample[]): number => new Set(items.map(musicSourceOf)).size;

/** One direction of sourceRetrieval, with the mean margin of the right answers' cosine over the wrong ones'. */
export type SourceDirection = Required<Pick<DirectionReport, 'recall1' | 'recall5' | 'recall10' | 'medianRank' | 'mapAtR' | 'gallery' | 'mrr'>> & { margin: number };

/** Weighted median: the value where the cumulative weight (sorted by value) reaches half; between two, their mean. */
function weightedMedian(values: number[], weights: number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const total = weights.reduce((s, w) => s + w, 0);
  let run = 0;
  for (let k = 0; k < order.length; k++) {
    run += weights[order[k]];
    if (run > total / 2 + 1e-9) return values[order[k]];
    if (run >= total / 2 - 1e-9) return k + 1 < order.length ? (values[order[k]] + values[order[k + 1]]) / 2 : values[order[k]];
  }
  return 0;
}

/** Normalised means of the rows of each group (row-major, groups × d). */
function groupMeans(rows: Float32Array, d: number, groups: number[][]): Float32Array {
  return stack(groups.map((g) => meanVector(stack(g.map((i) => rows.subarray(i * d, (i + 1) * d)), d), d)), d);
}

function sourceDirection(queries: Float32Array, entries: Float32Array, d: number, relevant: (q: number, e: number) => boolean, weights: number[]): SourceDirection {
  const n = queries.length / d;
  const m = entries.length / d;
  const sim = similarityMatrix(queries, entries, d, 'cosine');
  const ranks: number[] = [];
  let r1 = 0, r5 = 0, r10 = 0, map = 0, rr = 0, margin = 0, total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    const order = rankReferences(sim, i * m, m);
    const rel = Array.from(order, (e) => relevant(i, e));
    const R = rel.filter(Boolean).length;
    const first = rel.indexOf(true) + 1;
    ranks.push(first);
    r1 += first <= 1 ? w : 0;
    r5 += first <= 5 ? w : 0;
    r10 += first <= 10 ? w : 0;
    rr += w / first;
    let found = 0;
    let ap = 0;
    for (let k = 0; k < R; k++) if (rel[k]) ap += ++found / (k + 1);
    map += (w * ap) / R;
    let right = 0;
    let wrong = 0;
    for (let e = 0; e < m; e++) {
      if (relevant(i, e)) right += sim[i * m + e];
      else wrong += sim[i * m + e];
    }
    margin += w * (right / R - (m > R ? wrong / (m - R) : 0));
    total += w;
  }
  const mean = (x: number): number => (total > 0 ? x / total : 0);
  return { recall1: mean(r1), recall5: mean(r5), recall10: mean(r10), medianRank: n > 0 ? weightedMedian(ranks, weights) : 0, mapAtR: mean(map), gallery: m, mrr: mean(rr), margin: mean(margin) };
}

/**
 * Held-out scoring at the level fine-tuning learns (review R1.5). Under class positives the windows
 * of one edit are each other's positives: training never asks which moment of a song goes with
 * which moment of its own video, so a window's exact partner is no test of it (the old scoring
 * ranked every window's own 8 s of music among all held-out windows, 13 of 15 of them from one
 * edit's song, and read a fall from 0.80 to 0.60 where nothing measurable had happened). Here each
 * held-out picture window is ranked against ONE music entry per held-out source (the normalised
 * mean of its music windows: an edit's soundtrack, a judged clip's accepted track), and is right
 * when it finds the music its own source was paired with; music → video the same way, against one
 * picture entry per source. Every source weighs the same (its windows' scores are averaged first),
 * so a long edit does not outvote a short one. Chance Recall@1 is 1 / (held-out soundtracks).
 * `video` and `audio` hold one vector per item (row i = items[i]). On a corpus, where every pair is
 * its own source, this is plain pair retrieval, unweighted.
 */
export function sourceRetrieval(video: Float32Array, audio: Float32Array, d: number, items: readonly PairSample[]): { videoToMusic: SourceDirection; musicToVideo: SourceDirection } {
  const index = (key: (p: PairSample) => string): { groups: number[][]; of: number[] } => {
    const at = new Map<string, number>();
    const groups: number[][] = [];
    const of = items.map((p, i) => {
      const k = key(p);
      if (!at.has(k)) {
        at.set(k, groups.length);
        groups.push([]);
      }
      groups[at.get(k) as number].push(i);
      return at.get(k) as number;
    });
    return { groups, of };
  };
  const pictures = index(pictureSource);
  const music = index(musicSourceOf);
  // Which music each picture source was paired with (an edit: its own; a judged clip: every track accepted under it).
  const P = pictures.groups.length;
  const M = music.groups.length;
  const paired = new Uint8Array(P * M);
  items.forEach((_, i) => (paired[pictures.of[i] * M + music.of[i]] = 1));
  // Each picture source weighs 1, shared among its windows.
  const weights = items.map((_, i) => 1 / pictures.groups[pictures.of[i]].length);
  return {
    videoToMusic: sourceDirection(video, groupMeans(audio, d, music.groups), d, (i, e) => paired[pictures.of[i] * M + e] === 1, weights),
    musicToVideo: sourceDirection(audio, groupMeans(video, d, pictures.groups), d, (i, e) => paired[e * M + music.of[i]] === 1, weights),
  };
}

/** A DirectionReport as saved (no margin: it is a selection detail). */
const withoutMargin = ({ margin: _margin, ...r }: SourceDirection): DirectionReport => r;

/**
 * The parent or the fine-tuned version on a fine-tune's held-out windows, scored by source
 * (sourceRetrieval): the before/after of `train --from-videos` and the Train screen.
 */
export async function evaluateHeldOut(method: string, items: PairSample[], embedder: DualEmbedder): Promise<MethodReport> {
  const { video, audio } = await embedPairs(items, embedder);
  const r = sourceRetrieval(video, audio, embedder.dim, items);
  return { method, videoToMusic: withoutMargin(r.videoToMusic), musicToVideo: withoutMargin(r.musicToVideo) };
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
