/**
 * Music spaces as track vectors, and the score that combines them.
 *
 * - `descriptor-stats`: the track profile (profile.ts: statistics of the stored descriptors and,
 *   once computed, each track's production signature, production.ts), family-weighted over the
 *   library and re-ranked on its neighbour graph; variants `mfcc` and `descriptors-delta` are the
 *   older statistics (descriptor-stats.ts), kept for evaluation.
 * - `mood`: the cross-modal model's audio encoder (what `match` uses): the normalised mean of a
 *   track's stored segments under a model version.
 * - `learned`: the self-supervised music space trained on the library (music-space.ts), read
 *   from its vector cache.
 *
 * Every space hands out unit rows, so a combined score is a weighted sum of cosines, and its
 * "why" lists each space's cosine and weight.
 */
import type { Catalog } from '../catalog/db';
import { getFeatures } from '../catalog/features';
import { getSegments } from '../catalog/segments';
import { normalizeInPlace } from '../search/segment-store';
import { meanVector } from '../train/vectors';
import { descriptorStatsSpace, type StatsVariant } from './descriptor-stats';
import { readVectorCache } from './vector-cache';
import { profileRows, rerankOptions, rerankProfile, type FamilyStats, type ProfileRerank } from './profile';
import { readProductionSignatures } from './production';
import type { FeatureSeq } from '../features/types';

/** `profile` (served) or one of the older statistics. */
export type DescriptorVariant = 'profile' | StatsVariant;

export type SpaceRef =
  /**
   * `productionDir`: where the production signatures are cached (the music-space folder); without
   * it the profile has none. `rerank` (profile only): 'diffusion' by default (docs/similarity.md).
   */
  | { kind: 'descriptor-stats'; variant?: DescriptorVariant; productionDir?: string; rerank?: ProfileRerank }
  | { kind: 'mood'; modelVersion: string }
  | { kind: 'learned'; dir: string };

export interface TrackVectors {
  /** e.g. "learned", "mood:base", "descriptor-stats". */
  space: string;
  trackIds: number[];
  dim: number;
  /** Row-major, one unit row per track id. */
  data: Float32Array;
  /** Tracks asked for that this space has no vector for (not embedded yet). */
  missing: number[];
  /** The profile before re-ranking only: its families' library statistics, to put a sound from outside the library in it (app/temp-track.ts). */
  families?: FamilyStats[];
}

/** Catalogued tracks with stored audio features, with their file's content hash. */
export function catalogTracks(db: Catalog): Array<{ trackId: number; hash: string; path: string }> {
  return db
    .prepare<[], { trackId: number; hash: string; path: string }>(
      `SELECT t.id AS trackId, f.hash AS hash, f.path AS path FROM tracks t JOIN files f ON f.id = t.file_id
       WHERE EXISTS (SELECT 1 FROM features x WHERE x.track_id = t.id AND x.modality = 'audio') ORDER BY t.id`,
    )
    .all();
}

function unitRows(data: Float32Array, dim: number): Float32Array {
  for (let i = 0; i < data.length / dim; i++) normalizeInPlace(data.subarray(i * dim, (i + 1) * dim));
  return data;
}

/**
 * Descriptor statistics of these feature sequences as unit rows (compared by cosine): the
 * profile (with each track's production signature where `production` has one), or an older
 * variant, z-scored and family-weighted over them.
 */
export function statsVectors(
  trackIds: number[],
  seqs: FeatureSeq[],
  variant: DescriptorVariant = 'profile',
  production?: ReadonlyArray<Float32Array | undefined>,
  rerank: ProfileRerank = 'diffusion',
): TrackVectors {
  if (variant === 'profile') {
    // profileSpace's two steps, so the rows before re-ranking keep their families' statistics.
    const rows = profileRows(seqs, production ? { production } : {}, trackIds.map((id) => `track ${id}`));
    const { data, dim } = rerankProfile(rows, rerankOptions(rerank));
    return { space: 'descriptor-stats', trackIds, dim, data, missing: [], ...(rerank === 'none' ? { families: rows.families } : {}) };
  }
  const { data, dim } = descriptorStatsSpace(seqs, variant);
  return { space: variant === 'mfcc' ? 'mfcc-stats' : 'descriptor-stats', trackIds, dim, data: unitRows(data, dim), missing: [] };
}

/**
 * The profile's rows re-ranked on the library graph (`rerank` 'none' hands back a copy): what
 * statsVectors(…, rerank) gives, from a profile already computed with rerank 'none'. `progress`:
 * its steps (rerankProfile).
 */
export function rerankVectors(profile: TrackVectors, rerank: ProfileRerank, progress?: (done: number, total: number) => void): TrackVectors {
  const { data, dim } = rerankProfile({ data: profile.data, dim: profile.dim }, rerankOptions(rerank), progress);
  // Re-ranked rows are no longer the families' z-scores: their statistics stay with the profile.
  const { families: _families, ...rest } = profile;
  return { ...rest, trackIds: profile.trackIds.slice(), dim, data, missing: profile.missing.slice() };
}

/** Track vectors of one space for `trackIds` (default: every catalogued track with audio features). */
export async function trackVectors(db: Catalog, space: SpaceRef, trackIds?: number[]): Promise<TrackVectors> {
  const tracks = catalogTracks(db);
  const wanted = trackIds ? new Set(trackIds) : null;
  const chosen = wanted ? tracks.filter((t) => wanted.has(t.trackId)) : tracks;
  switch (space.kind) {
    case 'descriptor-stats': {
      const seqs = chosen.map((t) => getFeatures(db, t.trackId, 'audio') as FeatureSeq);
      const signatures = space.productionDir ? await readProductionSignatures(space.productionDir) : undefined;
      return statsVectors(chosen.map((t) => t.trackId), seqs, space.variant, signatures && chosen.map((t) => signatures.get(t.hash)), space.rerank);
    }
    case 'mood':
    case 'learned': {
      const cache = space.kind === 'learned' ? await readVectorCache(space.dir) : undefined;
      const ids: number[] = [];
      const rows: Float32Array[] = [];
      const missing: number[] = [];
      let dim = 0;
      for (const t of chosen) {
        let v: Float32Array | undefined;
        if (space.kind === 'mood') {
          const segs = getSegments(db, t.trackId, space.modelVersion);
          if (segs && segs.data.length > 0) v = meanVector(segs.data, segs.dim);
        } else v = cache?.vectors.get(t.hash);
        if (!v) {
          missing.push(t.trackId);
          continue;
        }
        dim = v.length;
        ids.push(t.trackId);
        rows.push(v);
      }
      const data = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => data.set(r, i * dim));
      return { space: space.kind === 'mood' ? `mood:${space.modelVersion}` : 'learned', trackIds: ids, dim, data: unitRows(data, dim), missing };
    }
  }
}

/** One space's part in a combined score. */
export interface WeightedSpace {
  vectors: TrackVectors;
  weight: number;
}

/** A combined score and why: each space's cosine and weight (score = Σ weight·cosine / Σ weight). */
export interface CombinedScore {
  trackId: number;
  score: number;
  why: Array<{ space: string; cosine: number; weight: number }>;
}

/**
 * What each request weighs (music space vs the cross-modal mood space), measured on the album
 * set (docs/similarity.md): "which tracks sound like this one" is the music space's question;
 * mood paths and energy curves are about mood and energy, which the cross-modal space was
 * trained on, so it leads there. `similar` ranks by the diffusion space alone (the mood space
 * stays in its why at weight 0): diffusion's affinities fall to 0 outside a track's graph
 * neighbourhood, so any mood share reorders the tail — on the train half 0.2 of mood cost 0.08
 * album MAP@R (0.655 → 0.572), 0.05 already 0.03.
 */
export const SPACE_WEIGHTS = {
  similar: { music: 1, mood: 0 },
  'more-like': { music: 0.8, mood: 0.2 },
  'mood-path': { music: 0.3, mood: 0.7 },
  energy: { music: 0.3, mood: 0.7 },
  explore: { music: 0.5, mood: 0.5 },
} as const;

/**
 * The music space once the library has a learned one: the descriptor statistics (the profile)
 * carry it all; the learned space rides along at weight 0, so the why still shows its cosine.
 * Measured on the 7-album set (docs/similarity.md): every share of the learned space lowers album
 * MAP@R over all 134 tracks (profile 0.350, ½ + ½ 0.251; on albums it never trained on 0.382 →
 * 0.341; with the earlier statistics ½ + ½ was 0.194 → 0.163).
 */
export const MUSIC_SPACE_MIX = { learned: 0, descriptorStats: 1 } as const;

const rowOf = (v: TrackVectors): Map<number, number> => new Map(v.trackIds.map((id, i) => [id, i]));

function cosine(a: TrackVectors, i: number, b: TrackVectors, j: number): number {
  let s = 0;
  for (let d = 0; d < a.dim; d++) s += a.data[i * a.dim + d] * b.data[j * b.dim + d];
  return s;
}

/**
 * Score every track (that all spaces know) against a query track: Σ w·cos / Σ w, highest first,
 * the query itself left out. Spaces with weight 0 still appear in the why (as context).
 */
export function combinedScores(parts: readonly WeightedSpace[], queryTrackId: number): CombinedScore[] {
  if (parts.length === 0) throw new RangeError('combinedScores needs at least one space');
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (!(total > 0) || parts.some((p) => p.weight < 0)) throw new RangeError('space weights must be ≥ 0 and not all 0');
  const rows = parts.map((p) => rowOf(p.vectors));
  const q = rows.map((r, k) => {
    const i = r.get(queryTrackId);
    if (i === undefined) throw new RangeError(`track ${queryTrackId} has no vector in space ${parts[k].vectors.space}`);
    return i;
  });
  const out: CombinedScore[] = [];
  for (const id of parts[0].vectors.trackIds) {
    if (id === queryTrackId) continue;
    const js = rows.map((r) => r.get(id));
    if (js.some((j) => j === undefined)) continue;
    const why = parts.map((p, k) => ({ space: p.vectors.space, cosine: cosine(p.vectors, q[k], p.vectors, js[k] as number), weight: p.weight / total }));
    out.push({ trackId: id, score: why.reduce((s, w) => s + w.weight * w.cosine, 0), why });
  }
  return out.sort((a, b) => b.score - a.score || a.trackId - b.trackId);
}

/**
 * The combined track × track similarity (row-major, trackIds of the first space that every
 * space knows), for evaluation and the Explore map's layout.
 */
export function combinedMatrix(parts: readonly WeightedSpace[]): { trackIds: number[]; sim: Float64Array } {
  const rows = parts.map((p) => rowOf(p.vectors));
  const ids = parts[0].vectors.trackIds.filter((id) => rows.every((r) => r.has(id)));
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const n = ids.length;
  const sim = new Float64Array(n * n);
  parts.forEach((p, k) => {
    const at = ids.map((id) => rows[k].get(id) as number);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sim[i * n + j] += (p.weight / total) * cosine(p.vectors, at[i], p.vectors, at[j]);
  });
  return { trackIds: ids, sim };
}

/**
 * One vector per track that carries the combined score: the concatenation of √w_k · v_k over
 * the spaces (weights normalised to sum 1). Each part is a unit row, so the result is a unit row
 * and its dot product with another is exactly Σ w_k cos_k. The existing playlist and map code
 * (which take one track vector) then run on the combined space unchanged.
 */
export function weightedConcat(parts: readonly WeightedSpace[]): TrackVectors {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (!(total > 0) || parts.some((p) => p.weight < 0)) throw new RangeError('space weights must be ≥ 0 and not all 0');
  const rows = parts.map((p) => rowOf(p.vectors));
  const ids = parts[0].vectors.trackIds.filter((id) => rows.every((r) => r.has(id)));
  const dim = parts.reduce((s, p) => s + p.vectors.dim, 0);
  const data = new Float32Array(ids.length * dim);
  ids.forEach((id, i) => {
    let at = i * dim;
    parts.forEach((p, k) => {
      const j = rows[k].get(id) as number;
      const scale = Math.sqrt(p.weight / total);
      for (let d = 0; d < p.vectors.dim; d++) data[at + d] = scale * p.vectors.data[j * p.vectors.dim + d];
      at += p.vectors.dim;
    });
  });
  // By sets: indexOf/includes over every id made this O(n²), 2.1 s of the engine's thread at 10,000 tracks.
  const kept = new Set(ids);
  const missing = [...new Set(parts.flatMap((p) => p.vectors.trackIds))].filter((id) => !kept.has(id));
  return { space: parts.map((p) => `${p.vectors.space}×${(p.weight / total).toFixed(2)}`).join('+'), trackIds: ids, dim, data, missing };
}
