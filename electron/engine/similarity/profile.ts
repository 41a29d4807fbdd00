/**
 * The served music space: a track profile of statistics grouped in families, each family
 * z-scored over the library and given the same total weight, then re-ranked on the library's
 * neighbour graph: normalised diffusion (diffusion.ts) up to DIFFUSION_MAX_TRACKS tracks,
 * neighbour augmentation (rerank.ts) above. No learning, no labels.
 *
 * Families from the stored audio features (the 40 log-mel bands per 0.5 s step and the other
 * descriptor columns): the long-term average spectrum's shape, each band's spread and its 10th /
 * 90th percentile (quiet and loud passages), MFCC 1–19 and 20–39 mean and std, how fast the
 * MFCCs move, the spread of each step's spectral shape, every other column's mean, std and mean
 * step-to-step change, key-relative chroma mean and std, and loudness percentiles. Families from
 * the production signature (production.ts: full-band spectrum and stereo width of a stereo
 * excerpt), when a track has one, weigh `productionWeight` times a stored family: mastering,
 * instrumentation and the encoder's low-pass are what an album's tracks share most.
 *
 * What each family adds, and what was tried besides: docs/similarity.md.
 */
import type { FeatureSeq } from '../features/types';
import { inputError } from '../errors';
import { columnMoments, dctBasis, melColumns, zScoreColumns } from './descriptor-stats';
import { quantileSorted } from '../util/quantile';
import { augmentByNeighbours, DEFAULT_NEIGHBOUR_AUGMENT, type NeighbourAugmentOptions } from './rerank';
import { DEFAULT_DIFFUSION, diffusionEmbedding, DIFFUSION_MAX_TRACKS, type DiffusionOptions } from './diffusion';
import { nearestNeighbours } from './neighbours';

/** One track's statistics by family name, in a fixed family order. */
export type TrackProfile = Map<string, Float64Array>;

/** Weight of each production family relative to one stored family (docs/similarity.md). */
export const PRODUCTION_WEIGHT = 3;
const RMS_PERCENTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Mean, population std and mean |x_t − x_{t−1}| of a series. */
function moments(x: Float64Array): [number, number, number] {
  let s = 0;
  for (const v of x) s += v;
  const mean = s / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  let d = 0;
  for (let t = 1; t < x.length; t++) d += Math.abs(x[t] - x[t - 1]);
  return [mean, Math.sqrt(ss / x.length), x.length > 1 ? d / (x.length - 1) : 0];
}

const centred = (v: Float64Array): Float64Array => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return v.map((x) => x - m);
};

/** The stored-feature families of one track. `source` names the track in errors. */
export function trackProfile(seq: FeatureSeq, source = 'track'): TrackProfile {
  const mel = melColumns(seq.names);
  if (mel.length < 40) throw inputError(source, `its audio features have ${mel.length} mel bands; the profile needs 40`);
  if (seq.T < 2) throw inputError(source, `its audio features have ${seq.T} step(s); the profile needs at least 2`);
  const { T, D, data } = seq;
  const B = mel.length;
  const col = (c: number): Float64Array => Float64Array.from({ length: T }, (_, t) => data[t * D + c]);
  const bands = mel.map(col);
  const out: TrackProfile = new Map();

  const bandMoments = bands.map(moments);
  out.set('ltas_shape', centred(Float64Array.from(bandMoments, (m) => m[0])));
  out.set('mel_std', Float64Array.from(bandMoments, (m) => m[1]));
  const sortedBands = bands.map((b) => Float64Array.from(b).sort());
  out.set('mel_p90', centred(Float64Array.from(sortedBands, (b) => quantileSorted(b, 0.9))));
  out.set('mel_p10', centred(Float64Array.from(sortedBands, (b) => quantileSorted(b, 0.1))));

  // MFCC 1–39 per step (orthonormal DCT-II of the bands).
  const basis = dctBasis(B, 1, 39);
  // Summed band by band from 0, as a reduce would: the same values, without a closure per step and band.
  const mfcc = basis.map((row) => {
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += row[b] * bands[b][t];
      out[t] = s;
    }
    return out;
  });
  const mm = mfcc.map(moments);
  out.set('mfcc1_19_mean', Float64Array.from(mm.slice(0, 19), (m) => m[0]));
  out.set('mfcc1_19_std', Float64Array.from(mm.slice(0, 19), (m) => m[1]));
  out.set('mfcc20_39_mean', Float64Array.from(mm.slice(19), (m) => m[0]));
  out.set('mfcc20_39_std', Float64Array.from(mm.slice(19), (m) => m[1]));
  out.set('mfcc_delta', Float64Array.from(mm.slice(0, 19), (m) => m[2]));

  // Spectral shape per step (bands minus the step's mean level): how much the colour moves.
  const shape = bands.map((b) => b.slice());
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let b = 0; b < B; b++) m += bands[b][t];
    m /= B;
    for (let b = 0; b < B; b++) shape[b][t] -= m;
  }
  out.set('shape_std', Float64Array.from(shape, (s) => moments(s)[1]));

  const melSet = new Set(mel);
  const chroma: number[] = [];
  seq.names.forEach((name, c) => {
    if (melSet.has(c)) return;
    if (name.startsWith('chroma_rel_')) chroma.push(c);
    else out.set(name, Float64Array.from(moments(col(c))));
  });
  if (chroma.length > 0) {
    const cm = chroma.map((c) => moments(col(c)));
    out.set('chroma_mean', Float64Array.from(cm, (m) => m[0]));
    out.set('chroma_std', Float64Array.from(cm, (m) => m[1]));
  }
  const rms = seq.names.indexOf('rms_db');
  if (rms >= 0) {
    const sorted = col(rms).sort();
    out.set('rms_pct', Float64Array.from(RMS_PERCENTILES, (q) => quantileSorted(sorted, q)));
  }
  return out;
}

/** A family block of a track × value matrix, before weighting. */
interface Family {
  name: string;
  dim: number;
  /** Row-major n × dim. */
  rows: Float32Array;
  weight: number;
}

/**
 * Concatenate families into unit rows: each family z-scored over the tracks (a constant value
 * becomes 0), scaled by weight/√dim so every family adds the same expected amount to a squared
 * distance whatever its size. A track without a family's values (null) gets 0 there = the
 * library's mean.
 */
export function familySpace(families: readonly Family[], n: number): { data: Float32Array; dim: number; families: FamilyStats[] } {
  const dim = families.reduce((s, f) => s + f.dim, 0);
  const data = new Float32Array(n * dim);
  const stats: FamilyStats[] = [];
  let at = 0;
  for (const f of families) {
    const moments = columnMoments(f.rows, f.dim);
    const z = zScoreColumns(f.rows.slice(), f.dim, moments);
    const scale = f.weight / Math.sqrt(f.dim);
    for (let i = 0; i < n; i++) for (let d = 0; d < f.dim; d++) data[i * dim + at + d] = scale * z[i * f.dim + d];
    stats.push({ name: f.name, dim: f.dim, scale, ...moments });
    at += f.dim;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d] ** 2;
    const norm = Math.sqrt(s);
    if (norm > 0) for (let d = 0; d < dim; d++) data[i * dim + d] /= norm;
  }
  return { data, dim, families: stats };
}

/**
 * A family's place in the profile rows, in row order: what z-scored it over the library (population
 * mean and std per column, as zScoreColumns) and its scale, so that a sound outside the library (a
 * clip's own music, app/temp-track.ts) can be put in the same space.
 */
export interface FamilyStats {
  name: string;
  dim: number;
  scale: number;
  mean: Float64Array;
  std: Float64Array;
}

/** Production families present in a signature: its first half is the spectrum's shape, the second the stereo width. */
export const PRODUCTION_FAMILIES = ['production_shape', 'production_width'] as const;

export interface ProfileSpaceOptions {
  /** Per track, its production signature (production.ts) or undefined when it has none yet. */
  production?: ReadonlyArray<Float32Array | undefined>;
  productionWeight?: number;
  /** Neighbour-graph re-ranking; null leaves the profile as it is (and turns diffusion off too). */
  augment?: NeighbourAugmentOptions | null;
  /**
   * Normalised diffusion on the neighbour graph (diffusion.ts), served up to `maxTracks`
   * (default DIFFUSION_MAX_TRACKS); above it, or when null, the `augment` re-ranking.
   */
  diffusion?: (DiffusionOptions & { maxTracks?: number }) | null;
}

/**
 * How the profile is re-ranked on the library's neighbour graph: normalised diffusion (what
 * `similar` serves), neighbour augmentation (DBA: graded everywhere, what the playlists and the
 * map use), or not at all.
 */
export type ProfileRerank = 'diffusion' | 'neighbours' | 'none';

/** The profileSpace options of a re-ranking. */
export function rerankOptions(rerank: ProfileRerank): Pick<ProfileSpaceOptions, 'augment' | 'diffusion'> {
  return rerank === 'none' ? { augment: null } : rerank === 'neighbours' ? { diffusion: null } : {};
}

/**
 * The profile rows of these tracks before any re-ranking: unit rows, row-major, compared by
 * cosine. Production families join only when at least two tracks have a signature (z-scoring
 * needs a spread). A track is its stored audio features, or its profile already made by
 * trackProfile (catalog-profile.ts makes them one at a time, so a long build can stop between two).
 */
export function profileRows(
  seqs: ReadonlyArray<FeatureSeq | TrackProfile>,
  options: Pick<ProfileSpaceOptions, 'production' | 'productionWeight'> = {},
  sources?: readonly string[],
): { data: Float32Array; dim: number; families: FamilyStats[] } {
  const n = seqs.length;
  if (n === 0) return { data: new Float32Array(0), dim: 0, families: [] };
  const profiles = seqs.map((s, i) => (s instanceof Map ? s : trackProfile(s, sources?.[i] ?? `track ${i}`)));
  const families: Family[] = [];
  for (const [name, first] of profiles[0]) {
    const rows = new Float32Array(n * first.length);
    profiles.forEach((p, i) => {
      const v = p.get(name);
      if (!v || v.length !== first.length) throw new RangeError(`${sources?.[i] ?? `track ${i}`}: its profile has no ${name} of ${first.length} values: mixed feature specs`);
      rows.set(v, i * first.length);
    });
    families.push({ name, dim: first.length, rows, weight: 1 });
  }
  const production = options.production;
  const withSignature = production ? production.filter((p): p is Float32Array => p !== undefined) : [];
  if (production && withSignature.length >= 2) {
    const half = withSignature[0].length / 2;
    // A track without a signature yet sits at the mean of those that have one (z-scores to 0):
    // one mean for the library, not one per track.
    const mean = new Float64Array(2 * half);
    for (const q of withSignature) for (let d = 0; d < 2 * half; d++) mean[d] += q[d];
    for (let d = 0; d < 2 * half; d++) mean[d] /= withSignature.length;
    PRODUCTION_FAMILIES.forEach((name, part) => {
      const rows = new Float32Array(n * half);
      production.forEach((p, i) => {
        const source = p && p.length === 2 * half ? p : mean;
        rows.set(source.subarray(part * half, (part + 1) * half), i * half);
      });
      families.push({ name, dim: half, rows, weight: options.productionWeight ?? PRODUCTION_WEIGHT });
    });
  }
  return familySpace(families, n);
}

/**
 * Re-rank profile rows on the library's neighbour graph (the input is not modified): normalised
 * diffusion up to its track limit, else neighbour augmentation, or nothing when `augment` is
 * null. Split from profileRows so one profile serves every re-ranking (service/music-space.ts).
 * `progress`: its steps as they are done (a job shows the re-ranking as a phase of its own).
 */
export function rerankProfile(
  space: { data: Float32Array; dim: number },
  options: Pick<ProfileSpaceOptions, 'augment' | 'diffusion'> = {},
  progress?: RerankProgress,
): { data: Float32Array; dim: number } {
  const n = space.dim > 0 ? space.data.length / space.dim : 0;
  const augment = options.augment === undefined ? DEFAULT_NEIGHBOUR_AUGMENT : options.augment;
  if (!augment || n === 0) return { data: space.data.slice(), dim: space.dim };
  const diffusion: ProfileSpaceOptions['diffusion'] = options.diffusion === undefined ? DEFAULT_DIFFUSION : options.diffusion;
  const diffuse = diffusion && n <= (diffusion.maxTracks ?? DIFFUSION_MAX_TRACKS) ? diffusion : null;
  // Steps: each row's neighbour list, then (diffusion) each row of the embedding; DBA from the lists is O(n·k·dim), no step.
  const total = diffuse ? 2 * n : n;
  progress?.(0, total);
  // The lists both re-rankings would find themselves (the same call: k capped at n − 1), found here to tell their progress.
  const k = Math.max(Math.min((diffuse ?? augment).k, n - 1), 0);
  const lists = nearestNeighbours(space.data, space.dim, k, progress ? { onRows: (done) => progress(done, total) } : {});
  if (diffuse) return diffusionEmbedding(space.data, space.dim, diffuse, lists, progress && ((done) => progress(n + done, total)));
  return { data: augmentByNeighbours(space.data, space.dim, augment, lists), dim: space.dim };
}

/** A re-ranking's progress (rerankProfile): `done` of `total` steps, from 0 to total. */
export type RerankProgress = (done: number, total: number) => void;

/** The profile space of these tracks, re-ranked as `options` say: profileRows, then rerankProfile. */
export function profileSpace(seqs: readonly FeatureSeq[], options: ProfileSpaceOptions = {}, sources?: readonly string[]): { data: Float32Array; dim: number } {
  return rerankProfile(profileRows(seqs, options, sources), options);
}
