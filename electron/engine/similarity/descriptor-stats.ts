/**
 * The no-learning music space: per-track statistics of the stored audio descriptors.
 *
 * MFCC-like coefficients are the orthonormal DCT-II of each step's 40 log-mel bands (the stored
 * `mel_*` columns, dB), coefficients 1–19 (0 is overall loudness, left to `rms_db`); a track is
 * the mean and standard deviation of each coefficient over its steps, plus (in the `descriptors`
 * variants) the same of every other stored audio column, and (`descriptors-delta`) each series'
 * mean step-to-step change. Columns are then z-scored over the library, so no descriptor's unit
 * decides the distance, and weighted per descriptor family, so no family decides it by the
 * number of its columns (the 19 MFCCs against one onset strength).
 *
 * This is what serves `similar` until the library is big enough to train a music space
 * (music-space.ts), so a new user never gets a random space.
 */
import type { FeatureSeq } from '../features/types';
import { inputError } from '../errors';

export const MFCC_FIRST = 1;
export const MFCC_LAST = 19;

/**
 * `mfcc`: the classic baseline (MFCC 1–19 mean + std). `descriptors`: that plus every other
 * column's mean + std. `descriptors-delta` (what the app serves): each of those series also
 * gives its mean absolute step-to-step change (how fast the timbre, level, harmony… move).
 */
export type StatsVariant = 'mfcc' | 'descriptors' | 'descriptors-delta';

/** Indices of the `mel_*` columns, in band order. */
export function melColumns(names: readonly string[]): number[] {
  const cols = names.map((n, i) => [n, i] as const).filter(([n]) => /^mel_\d+$/.test(n));
  cols.sort((a, b) => Number(a[0].slice(4)) - Number(b[0].slice(4)));
  return cols.map(([, i]) => i);
}

/** DCT-II basis rows k = first..last for n inputs, orthonormal scaling (√(2/n) for k ≥ 1). */
export function dctBasis(n: number, first: number, last: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let k = first; k <= last; k++) {
    const scale = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    rows.push(Float64Array.from({ length: n }, (_, m) => scale * Math.cos((Math.PI * k * (m + 0.5)) / n)));
  }
  return rows;
}

/** Mean and population std of one series, and (with `delta`) the mean |x_t − x_{t−1}| (0 for one step). */
function seriesStats(values: Float64Array, delta: boolean): number[] {
  let s = 0;
  for (const v of values) s += v;
  const mean = values.length ? s / values.length : 0;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const out = [mean, values.length ? Math.sqrt(ss / values.length) : 0];
  if (delta) {
    let d = 0;
    for (let t = 1; t < values.length; t++) d += Math.abs(values[t] - values[t - 1]);
    out.push(values.length > 1 ? d / (values.length - 1) : 0);
  }
  return out;
}

const STAT_KINDS = (variant: StatsVariant): string[] => (variant === 'descriptors-delta' ? ['mean', 'std', 'delta'] : ['mean', 'std']);

/** Names of the statistics `trackStats` returns for these columns, in order. */
export function statNames(names: readonly string[], variant: StatsVariant): string[] {
  const kinds = STAT_KINDS(variant);
  const out: string[] = [];
  for (let k = MFCC_FIRST; k <= MFCC_LAST; k++) out.push(...kinds.map((s) => `mfcc_${k}.${s}`));
  if (variant !== 'mfcc') {
    const mel = new Set(melColumns(names));
    names.forEach((n, i) => {
      if (!mel.has(i)) out.push(...kinds.map((s) => `${n}.${s}`));
    });
  }
  return out;
}

/**
 * One track's statistics vector (unnormalised), `statNames` order. `source` names the track in
 * the error when its features have no mel bands.
 */
export function trackStats(seq: FeatureSeq, variant: StatsVariant = 'descriptors-delta', source = 'track'): Float32Array {
  const mel = melColumns(seq.names);
  if (mel.length <= MFCC_LAST) throw inputError(source, `its audio features have ${mel.length} mel bands; MFCC ${MFCC_FIRST}–${MFCC_LAST} need at least ${MFCC_LAST + 1}`);
  if (seq.T < 1) throw inputError(source, 'its audio features have no steps');
  const basis = dctBasis(mel.length, MFCC_FIRST, MFCC_LAST);
  const delta = variant === 'descriptors-delta';
  const out: number[] = [];
  const series = new Float64Array(seq.T);
  for (const row of basis) {
    for (let t = 0; t < seq.T; t++) {
      let c = 0;
      for (let b = 0; b < mel.length; b++) c += row[b] * seq.data[t * seq.D + mel[b]];
      series[t] = c;
    }
    out.push(...seriesStats(series, delta));
  }
  if (variant !== 'mfcc') {
    const melSet = new Set(mel);
    for (let d = 0; d < seq.D; d++) {
      if (melSet.has(d)) continue;
      for (let t = 0; t < seq.T; t++) series[t] = seq.data[t * seq.D + d];
      out.push(...seriesStats(series, delta));
    }
  }
  return Float32Array.from(out);
}

/**
 * Z-score each column of a row-major n × dim matrix over its rows (population std; a constant
 * column becomes 0), in place; `moments`: the columns' own, when the caller has them already. Returns the matrix.
 */
export function zScoreColumns(rows: Float32Array, dim: number, moments: { mean: Float64Array; std: Float64Array } = columnMoments(rows, dim)): Float32Array {
  const n = rows.length / dim;
  const { mean, std } = moments;
  for (let c = 0; c < dim; c++) {
    for (let i = 0; i < n; i++) rows[i * dim + c] = std[c] > 1e-9 ? (rows[i * dim + c] - mean[c]) / std[c] : 0;
  }
  return rows;
}

/** Population mean and std of each column of a row-major n × dim matrix: what zScoreColumns scores by. */
export function columnMoments(rows: Float32Array, dim: number): { mean: Float64Array; std: Float64Array } {
  const n = rows.length / dim;
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let c = 0; c < dim; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += rows[i * dim + c];
    mean[c] = s / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (rows[i * dim + c] - mean[c]) ** 2;
    std[c] = Math.sqrt(ss / n);
  }
  return { mean, std };
}

/** The descriptor family of a statistic (`statNames` form): the MFCCs are one, the key-relative chroma one, every other column its own. */
export function statFamily(stat: string): string {
  const column = stat.slice(0, stat.lastIndexOf('.'));
  if (column.startsWith('mfcc_')) return 'mfcc';
  if (column.startsWith('chroma_rel_')) return 'chroma_rel';
  return column;
}

/**
 * Weight of each statistic: 1/√(statistics in its family). After z-scoring, every family then
 * adds the same expected amount to a squared distance, so the 38 MFCC statistics do not outvote
 * the level, onset or harmony descriptors by sheer count (measured in docs/similarity.md).
 */
export function familyWeights(stats: readonly string[]): Float32Array {
  const count = new Map<string, number>();
  for (const s of stats) count.set(statFamily(s), (count.get(statFamily(s)) ?? 0) + 1);
  return Float32Array.from(stats, (s) => 1 / Math.sqrt(count.get(statFamily(s)) as number));
}

/** Tracks' statistics, z-scored over these tracks and weighted per family (`familyWeights`): one row each, row-major. */
export function descriptorStatsSpace(seqs: readonly FeatureSeq[], variant: StatsVariant = 'descriptors-delta'): { data: Float32Array; dim: number } {
  if (seqs.length === 0) return { data: new Float32Array(0), dim: 0 };
  const first = trackStats(seqs[0], variant);
  const dim = first.length;
  const data = new Float32Array(seqs.length * dim);
  data.set(first, 0);
  for (let i = 1; i < seqs.length; i++) {
    const s = trackStats(seqs[i], variant);
    if (s.length !== dim) throw new RangeError(`track ${i} has ${s.length} statistics, the first has ${dim}: mixed feature specs`);
    data.set(s, i * dim);
  }
  zScoreColumns(data, dim);
  const weights = familyWeights(statNames(seqs[0].names, variant));
  for (let i = 0; i < data.length; i++) data[i] *= weights[i % dim];
  return { data, dim };
}
