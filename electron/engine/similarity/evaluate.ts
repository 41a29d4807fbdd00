/**
 * How well a music space finds tracks of the same album: album MAP@R, R-precision and P@1
 * (metric/retrieval.ts, every track a query against all the others) for the descriptor
 * statistics, the cross-modal mood space, the learned music space, their combination, and chance.
 *
 * The album of a track is its folder under the evaluated root (`DIR/<album>/…/track`): the
 * album set (scripts/dev/album-set.ts) lays packages out that way, and so do most libraries.
 * The learned space is trained self-supervised (no labels) on all the albums, and — so that we
 * know it is not memorising — on one half of the albums, then evaluated on the other half.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { getSegments } from '../catalog/segments';
import { usageError } from '../errors';
import type { FeatureSeq } from '../features/types';
import { retrievalMetrics, similarityMatrix, type SimilarityMetric } from '../metric/retrieval';
import { meanVector } from '../train/vectors';
import { descriptorStatsSpace, type StatsVariant } from './descriptor-stats';
import { profileSpace, type ProfileSpaceOptions } from './profile';
import { readProductionSignatures } from './production';
import { openMusicSpace, saveMusicSpace } from './model';
import { catalogTracks } from './space';
import { DEFAULT_MUSIC_SPACE_CONFIG, trainMusicSpace, type MusicSpaceConfig } from './train';

export interface AlbumTrack {
  trackId: number;
  path: string;
  album: string;
  seq: FeatureSeq;
  /** Its production signature (production.ts), when one is cached. */
  production?: Float32Array;
}

export interface SimilarityScores {
  mapAtR: number;
  rPrecision: number;
  precisionAt1: number;
}

/**
 * Tracks under `root` with stored audio features, labelled by their first folder below it, or by
 * `labels` (path relative to `root`, `/`-separated → label) where it names the track; `signatures` by file content hash.
 */
export function albumTracks(db: Catalog, root: string, signatures: ReadonlyMap<string, Float32Array> = new Map(), labels?: ReadonlyMap<string, string>): AlbumTrack[] {
  const abs = resolve(root);
  const out: AlbumTrack[] = [];
  for (const t of catalogTracks(db)) {
    const rel = relative(abs, t.path);
    if (rel.startsWith('..') || rel === t.path) continue;
    const parts = rel.split(sep);
    if (parts.length < 2) continue;
    const production = signatures.get(t.hash);
    out.push({ trackId: t.trackId, path: t.path, album: labels?.get(parts.join('/')) ?? parts[0], seq: getFeatures(db, t.trackId, 'audio') as FeatureSeq, ...(production ? { production } : {}) });
  }
  return out;
}

const pick = (r: { mapAtR: number; rPrecision: number; precisionAt1: number }): SimilarityScores => ({ mapAtR: r.mapAtR, rPrecision: r.rPrecision, precisionAt1: r.precisionAt1 });

/** Leave-one-out album retrieval over row-major vectors. */
export function albumScores(vectors: Float32Array, dim: number, labels: Int32Array, metric: SimilarityMetric): SimilarityScores {
  return pick(retrievalMetrics(similarityMatrix(vectors, vectors, dim, metric), labels, labels, { excludeSelf: true }));
}

/**
 * Expected scores of a random ranking, exactly: with M = n − 1 references of which R are
 * positives, E[P@1] = E[R-precision] = R/M, and E[AP@R] = (1/R) Σ_{i≤R} (R/M)(1 + (i−1)(R−1)/(M−1))/i
 * (P(rel at i) · E[hits in the top i | rel at i] / i), averaged over queries with R ≥ 1.
 */
export function chanceScores(labels: Int32Array): SimilarityScores {
  const n = labels.length;
  const M = n - 1;
  let map = 0;
  let prec = 0;
  let q = 0;
  for (let a = 0; a < n; a++) {
    let R = 0;
    for (let b = 0; b < n; b++) if (b !== a && labels[b] === labels[a]) R++;
    if (R === 0) continue;
    q++;
    prec += R / M;
    let ap = 0;
    for (let i = 1; i <= R; i++) ap += ((R / M) * (1 + (M > 1 ? ((i - 1) * (R - 1)) / (M - 1) : 0))) / i;
    map += ap / R;
  }
  return { mapAtR: q ? map / q : 0, rPrecision: q ? prec / q : 0, precisionAt1: q ? prec / q : 0 };
}

function labelsOf(tracks: readonly AlbumTrack[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(tracks, (t) => {
    if (!ids.has(t.album)) ids.set(t.album, ids.size);
    return ids.get(t.album) as number;
  });
}

function statsScores(tracks: readonly AlbumTrack[], variant: StatsVariant, metric: SimilarityMetric): SimilarityScores {
  const { data, dim } = descriptorStatsSpace(tracks.map((t) => t.seq), variant);
  return albumScores(data, dim, labelsOf(tracks), metric);
}

/** Mood-space vectors (normalised mean of stored segments); null when a track has none for the version. */
function moodVectors(db: Catalog, tracks: readonly AlbumTrack[], modelVersion: string): { data: Float32Array; dim: number } | null {
  const rows: Float32Array[] = [];
  for (const t of tracks) {
    const segs = getSegments(db, t.trackId, modelVersion);
    if (!segs || segs.data.length === 0) return null;
    rows.push(meanVector(segs.data, segs.dim));
  }
  const dim = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => data.set(r, i * dim));
  return { data, dim };
}

/** Weighted sum of two spaces' cosine matrices → album scores. */
function combinedScores(a: { data: Float32Array; dim: number }, b: { data: Float32Array; dim: number }, wA: number, labels: Int32Array): SimilarityScores {
  const sa = similarityMatrix(a.data, a.data, a.dim, 'cosine');
  const sb = similarityMatrix(b.data, b.data, b.dim, 'cosine');
  const sim = sa.map((v, i) => wA * v + (1 - wA) * sb[i]);
  return pick(retrievalMetrics(sim, labels, labels, { excludeSelf: true }));
}

export interface SimilarityEvalOptions {
  /** The cross-modal model version whose stored segments make the mood space (null: leave it out). */
  moodVersion: string | null;
  /** Where the tracks' production signatures are cached (updateProductionSignatures); without it the profile has none. */
  productionDir?: string;
  /** Labels that replace the album folder (path relative to the root, `/`-separated → label), e.g. albums that share a composer as one. */
  labels?: ReadonlyMap<string, string>;
  config?: Partial<MusicSpaceConfig>;
  /** Also train on half the albums and evaluate on the other half (default true). */
  halves?: boolean;
  /** Weight of the music space in the music+mood combination, default 0.8. */
  musicWeight?: number;
  signal?: AbortSignal;
  onProgress?: (p: { stage: string; step: number; steps: number; loss?: number }) => void;
}

export interface SpaceScores {
  tracks: number;
  albums: number;
  chance: SimilarityScores;
  /** Mean + std of MFCC 1–19, z-scored, Euclidean (the classic baseline). */
  mfccStats: SimilarityScores;
  /** MFCC and every other descriptor's mean, std and mean |Δ|, z-scored, weighted per family, cosine: what the app served before the profile. */
  descriptorStats: SimilarityScores;
  /** The profile from the stored features only, no re-ranking. */
  profileStored: SimilarityScores;
  /** The profile from the stored features only, re-ranked by normalised diffusion. */
  profileStoredReranked: SimilarityScores;
  /** With production signatures, no re-ranking (only when every track has one). */
  profileProduction?: SimilarityScores;
  /** The profile with the production signatures, re-ranked by neighbour augmentation (DBA): served before diffusion; what playlists and the map use. */
  profileNeighbours: SimilarityScores;
  /** What `similar` serves (space.ts statsVectors): the profile with the production signatures where there are, re-ranked by normalised diffusion. */
  profile: SimilarityScores;
  mood?: SimilarityScores;
  /** musicWeight·cos(profile, DBA) + (1 − musicWeight)·cos(mood): what "more like these" ranks by (`similar` ranks by `profile` alone). */
  statsPlusMood?: SimilarityScores;
  learned?: SimilarityScores;
  /** musicWeight·cos(learned) + (1 − musicWeight)·cos(mood). */
  learnedPlusMood?: SimilarityScores;
  /** ½·cos(learned) + ½·cos(profile): the two music spaces together. */
  learnedPlusStats?: SimilarityScores;
}

export interface SimilarityEvalReport {
  root: string;
  albums: Record<string, number>;
  /** Learned space trained on every track (no labels), evaluated on all. */
  all: SpaceScores;
  /** Learned space trained on `trainAlbums` only. */
  halves?: { trainAlbums: string[]; testAlbums: string[]; test: SpaceScores; train: SpaceScores; all: SpaceScores };
  training: { steps: number; loss: string; window: number; secondsAll: number; secondsHalf?: number };
  musicWeight: number;
}

async function learnedVectors(trainOn: readonly AlbumTrack[], embed: readonly AlbumTrack[], opts: SimilarityEvalOptions, stage: string): Promise<{ data: Float32Array; dim: number; seconds: number }> {
  const result = await trainMusicSpace(
    trainOn.map((t) => t.seq),
    opts.config,
    {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (p) => opts.onProgress?.({ stage, step: p.step, steps: p.steps, loss: p.loss }),
    },
  );
  // Through the exported ONNX on onnxruntime-node, as the app runs it.
  const dir = await mkdtemp(join(tmpdir(), 'nd-music-space-'));
  try {
    await saveMusicSpace(join(dir, 'space'), result, { featureSpec: trainOn[0].seq.spec, warmStart: false });
    const session = await openMusicSpace(join(dir, 'space'), { log: () => {} });
    try {
      const dim = session.manifest.outDim;
      const data = new Float32Array(embed.length * dim);
      for (let i = 0; i < embed.length; i++) data.set(await session.embedTrack(embed[i].seq, opts.signal), i * dim);
      return { data, dim, seconds: result.seconds };
    } finally {
      await session.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Vectors = { data: Float32Array; dim: number };

function baseScores(db: Catalog, tracks: readonly AlbumTrack[], moodVersion: string | null, w: number): SpaceScores & { moodVecs: Vectors | null; statsVecs: Vectors } {
  const labels = labelsOf(tracks);
  const moodVecs = moodVersion ? moodVectors(db, tracks, moodVersion) : null;
  const seqs = tracks.map((t) => t.seq);
  const production = tracks.map((t) => t.production);
  const profile = (o: ProfileSpaceOptions): SimilarityScores => {
    const v = profileSpace(seqs, o);
    return albumScores(v.data, v.dim, labels, 'cosine');
  };
  // What `similar` serves (space.ts statsVectors), and what the playlists and the map mix with mood.
  const statsVecs = profileSpace(seqs, { production });
  const neighbourVecs = profileSpace(seqs, { production, diffusion: null });
  const everyTrackSigned = production.every((p) => p !== undefined);
  return {
    tracks: tracks.length,
    albums: new Set(tracks.map((t) => t.album)).size,
    chance: chanceScores(labels),
    mfccStats: statsScores(tracks, 'mfcc', 'euclidean'),
    descriptorStats: statsScores(tracks, 'descriptors-delta', 'cosine'),
    profileStored: profile({ augment: null }),
    profileStoredReranked: profile({}),
    ...(everyTrackSigned ? { profileProduction: profile({ production, augment: null }) } : {}),
    profileNeighbours: albumScores(neighbourVecs.data, neighbourVecs.dim, labels, 'cosine'),
    profile: albumScores(statsVecs.data, statsVecs.dim, labels, 'cosine'),
    ...(moodVecs ? { mood: albumScores(moodVecs.data, moodVecs.dim, labels, 'cosine'), statsPlusMood: combinedScores(neighbourVecs, moodVecs, w, labels) } : {}),
    moodVecs,
    statsVecs,
  };
}

function withLearned(base: ReturnType<typeof baseScores>, learned: { data: Float32Array; dim: number }, labels: Int32Array, w: number): SpaceScores {
  const { moodVecs, statsVecs, ...scores } = base;
  return {
    ...scores,
    learnedPlusStats: combinedScores(learned, statsVecs, 0.5, labels),
    learned: albumScores(learned.data, learned.dim, labels, 'cosine'),
    ...(moodVecs ? { learnedPlusMood: combinedScores(learned, moodVecs, w, labels) } : {}),
  };
}

function trainingSummary(partial: Partial<MusicSpaceConfig> = {}): { steps: number; loss: string; window: number } {
  const c = { ...DEFAULT_MUSIC_SPACE_CONFIG, ...partial };
  return { steps: c.steps, loss: c.loss, window: c.window };
}

/** Evaluate every space on the tracks under `root` (they must be in the catalog, in ≥ 2 album folders). */
export async function evaluateSimilarity(db: Catalog, root: string, options: SimilarityEvalOptions): Promise<SimilarityEvalReport> {
  const tracks = albumTracks(db, root, options.productionDir ? await readProductionSignatures(options.productionDir) : new Map(), options.labels);
  const albumCounts: Record<string, number> = {};
  for (const t of tracks) albumCounts[t.album] = (albumCounts[t.album] ?? 0) + 1;
  const albums = Object.keys(albumCounts).sort();
  if (albums.length < 2) throw usageError(`${resolve(root)}: needs tracks in at least 2 album folders (found ${albums.length} among ${tracks.length} catalogued tracks)`);
  const w = options.musicWeight ?? 0.8;
  const labels = labelsOf(tracks);

  const learnedAll = await learnedVectors(tracks, tracks, options, 'train on all');
  const all = withLearned(baseScores(db, tracks, options.moodVersion, w), learnedAll, labels, w);
  const report: SimilarityEvalReport = {
    root: resolve(root),
    albums: albumCounts,
    all,
    training: { ...trainingSummary(options.config), secondsAll: Math.round(learnedAll.seconds) },
    musicWeight: w,
  };

  if (options.halves !== false && albums.length >= 4) {
    // Alternate albums by name: two halves of about equal size, no choice made by looking at scores.
    const trainAlbums = albums.filter((_, i) => i % 2 === 0);
    const testAlbums = albums.filter((_, i) => i % 2 === 1);
    const trainSet = tracks.filter((t) => trainAlbums.includes(t.album));
    const testSet = tracks.filter((t) => testAlbums.includes(t.album));
    const learnedHalf = await learnedVectors(trainSet, tracks, options, 'train on half');
    // The half-trained space's rows of some albums: evaluated on them alone.
    const rowsOf = (albumsIn: readonly string[]): Vectors => {
      const at = tracks.flatMap((t, i) => (albumsIn.includes(t.album) ? [i] : []));
      const data = new Float32Array(at.length * learnedHalf.dim);
      at.forEach((r, i) => data.set(learnedHalf.data.subarray(r * learnedHalf.dim, (r + 1) * learnedHalf.dim), i * learnedHalf.dim));
      return { data, dim: learnedHalf.dim };
    };
    report.halves = {
      trainAlbums,
      testAlbums,
      test: withLearned(baseScores(db, testSet, options.moodVersion, w), rowsOf(testAlbums), labelsOf(testSet), w),
      train: withLearned(baseScores(db, trainSet, options.moodVersion, w), rowsOf(trainAlbums), labelsOf(trainSet), w),
      all: withLearned(baseScores(db, tracks, options.moodVersion, w), learnedHalf, labels, w),
    };
    report.training.secondsHalf = Math.round(learnedHalf.seconds);
  }
  return report;
}
