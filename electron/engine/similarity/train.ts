/**
 * Train the music encoder of the learned music space, self-supervised, from stored audio
 * features: per batch P tracks × K augmented crops (crops.ts, augment.ts); crops of one track
 * are positives, every other crop in the batch a negative; NT-Xent/InfoNCE by default, any loss
 * of the metric core by name (class losses classify crops by track). The encoder is the
 * segment encoder of encoders/encoder.ts (so the ONNX export and runtime are shared), on
 * longer windows.
 */
import * as tf from '@tensorflow/tfjs';
import { createEncoder, type NamedWeights } from '../encoders/encoder';
import { seededRandom, uniformArray } from '../encoders/rng';
import { fitStandardiser } from '../encoders/standardiser';
import { cancelledError } from '../errors';
import type { FeatureSeq } from '../features/types';
import { createLoss, lossDescriptor, type LossName, type MetricLoss } from '../metric/losses';
import { AdamW } from '../train/optimizer';
import { warmupCosine } from '../train/schedule';
import { createRng } from '../util/prng';
import { augmentCrops, columnLayout, DEFAULT_AUGMENT, type AugmentOptions } from './augment';
import { columnNames, selectColumns, type ColumnSet } from './columns';
import { descriptorStatsSpace } from './descriptor-stats';
import { gatherCrops, TrackCropSampler } from './crops';

export interface MusicSpaceConfig {
  loss: LossName;
  steps: number;
  /** P: tracks per batch (capped at the library size). */
  tracksPerBatch: number;
  /** K: crops per track. */
  cropsPerTrack: number;
  /** Steps per crop (0.5 s each): 32 = 16 s, long enough to hear a track's instruments and harmony. */
  window: number;
  hidden: number;
  outDim: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  clipNorm: number;
  /** NT-Xent temperature (fixed; SimCLR's range). */
  temperature: number;
  seed: number;
  augment: AugmentOptions;
  /** Stored columns the encoder reads (columns.ts). */
  columns: ColumnSet;
  /**
   * What is a positive: `track` (two crops of one track; the default, label-free) or
   * `mutual-nn` (also crops of a track's mutual nearest neighbour in the descriptor statistics:
   * pseudo-pairs, so that two tracks that already sound alike are not pushed apart as negatives).
   */
  positives: 'track' | 'mutual-nn';
  /**
   * Width of a projection head used only in training (0 = none): the loss sees head(encoder(x)),
   * the space is encoder(x). The head absorbs what serves only to tell crops apart (SimCLR, Chen
   * et al. 2020), so the exported representation keeps more of what transfers.
   */
  head: number;
}

export const DEFAULT_MUSIC_SPACE_CONFIG: MusicSpaceConfig = {
  loss: 'infonce',
  steps: 150,
  tracksPerBatch: 32,
  cropsPerTrack: 2,
  window: 32,
  hidden: 64,
  outDim: 128,
  lr: 2e-3,
  warmup: 30,
  weightDecay: 1e-4,
  clipNorm: 1,
  temperature: 0.5,
  seed: 1,
  augment: DEFAULT_AUGMENT,
  columns: 'all',
  head: 0,
  positives: 'track',
};

export interface MusicSpaceProgress {
  step: number;
  steps: number;
  loss: number;
  stepsPerSec: number;
  etaSeconds: number;
}

export interface MusicSpaceTrainResult {
  config: MusicSpaceConfig;
  weights: NamedWeights;
  /** The stored columns the encoder reads, in order. */
  columns: string[];
  /** Tracks trained on. */
  tracks: number;
  /** Mean loss over the first and the last tenth of the steps. */
  lossStart: number;
  lossEnd: number;
  seconds: number;
}

export interface MusicSpaceTrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: MusicSpaceProgress) => void;
  /** Warm start (a previous space's weights, same config shape): the library grew. */
  init?: NamedWeights;
}

function buildLoss(config: MusicSpaceConfig, tracks: number): MetricLoss {
  const caps = lossDescriptor(config.loss).capabilities;
  if (caps.needsClassLabels) return createLoss(config.loss, { numClasses: tracks, embeddingSize: config.outDim });
  if (caps.learnableTemperature) return createLoss(config.loss, { temperature: config.temperature, learnTemperature: false });
  return createLoss(config.loss);
}

/** dense → ReLU → dense → L2-normalise, He/Glorot-uniform initialised from the seed. */
function projectionHead(inDim: number, width: number, seed: number): { variables: tf.Variable[]; apply(z: tf.Tensor2D): tf.Tensor2D; dispose(): void } {
  const random = seededRandom(seed * 31 + 7);
  const w1 = tf.tidy(() => tf.variable(tf.tensor2d(uniformArray(inDim * inDim, Math.sqrt(6 / inDim), random), [inDim, inDim])));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([inDim])));
  const w2 = tf.tidy(() => tf.variable(tf.tensor2d(uniformArray(inDim * width, Math.sqrt(6 / (inDim + width)), random), [inDim, width])));
  const variables = [w1, b1, w2];
  return {
    variables,
    apply: (z) =>
      tf.tidy(() => {
        const h = tf.matMul(tf.relu(tf.add(tf.matMul(z, w1), b1)), w2);
        return tf.div(h, tf.sqrt(tf.maximum(tf.sum(tf.square(h), 1, true), 1e-12))) as tf.Tensor2D;
      }),
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/** Group ids (0..G−1): a track and its mutual nearest neighbour (descriptor statistics, Euclidean) share one. */
export function mutualNeighbourGroups(seqs: readonly FeatureSeq[]): Int32Array {
  const { data, dim } = descriptorStatsSpace(seqs, 'descriptors');
  const n = seqs.length;
  const nn = Int32Array.from({ length: n }, (_, i) => {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d = 0;
      for (let c = 0; c < dim; c++) d += (data[i * dim + c] - data[j * dim + c]) ** 2;
      if (d < bestD) [best, bestD] = [j, d];
    }
    return best;
  });
  const ids = new Map<number, number>();
  return Int32Array.from(nn, (j, i) => {
    const key = nn[j] === i ? Math.min(i, j) : i;
    if (!ids.has(key)) ids.set(key, ids.size);
    return ids.get(key) as number;
  });
}

/** Train on `seqs` (one audio FeatureSeq per track, one feature spec). */
export async function trainMusicSpace(allColumns: readonly FeatureSeq[], partial: Partial<MusicSpaceConfig> = {}, opts: MusicSpaceTrainOptions = {}): Promise<MusicSpaceTrainResult> {
  const config: MusicSpaceConfig = { ...DEFAULT_MUSIC_SPACE_CONFIG, ...partial, augment: { ...DEFAULT_MUSIC_SPACE_CONFIG.augment, ...partial.augment } };
  if (allColumns.length < 2) throw new RangeError(`a music space needs at least 2 tracks, got ${allColumns.length}`);
  const columns = columnNames(allColumns[0].names, config.columns);
  const seqs = allColumns.map((s) => selectColumns(s, columns));
  const D = seqs[0].D;
  const spec = seqs[0].spec;
  for (const s of seqs) if (s.D !== D || s.spec !== spec) throw new RangeError(`tracks mix feature specs (${spec} D ${D} vs ${s.spec} D ${s.D})`);

  const P = Math.min(config.tracksPerBatch, seqs.length);
  const standardiser = fitStandardiser(seqs);
  const encoder = createEncoder({ inDim: D, window: config.window, hidden: config.hidden, outDim: config.outDim, convLayers: 2, seed: config.seed, standardiser });
  if (opts.init) {
    encoder.setWeights(opts.init);
    // The library changed: standardise on what it holds now.
    encoder.setStandardiser(standardiser);
  }
  const groups = config.positives === 'mutual-nn' ? mutualNeighbourGroups(allColumns) : undefined;
  const loss = buildLoss(config, groups ? new Set(groups).size : seqs.length);
  const head = config.head > 0 ? projectionHead(config.outDim, config.head, config.seed) : null;
  const vars = [...encoder.variables, ...(head?.variables ?? []), ...loss.trainableVariables()];
  const optimizer = new AdamW({ weightDecay: config.weightDecay, clipNorm: config.clipNorm });
  const sampler = new TrackCropSampler(
    seqs.map((s) => s.T),
    { tracksPerBatch: Math.min(P, groups ? new Set(groups).size : P), cropsPerTrack: config.cropsPerTrack, window: config.window, seed: config.seed },
    groups,
  );
  const layout = columnLayout(seqs[0].names);
  const rng = createRng(config.seed * 7919 + 17);

  const losses: number[] = [];
  const started = Date.now();
  try {
    for (let step = 0; step < config.steps; step++) {
      if (opts.signal?.aborted) throw cancelledError('music-space training');
      const batch = sampler.next();
      const x = gatherCrops(seqs, batch, config.window);
      augmentCrops(x, config.window, layout, standardiser, rng, config.augment);
      const B = batch.labels.length;
      const lr = warmupCosine(step, { peak: config.lr, warmup: config.warmup, total: config.steps });
      const { value, grads } = tf.variableGrads(() => {
        const z = encoder.apply(tf.tensor3d(x, [B, config.window, D]));
        return loss.compute(head ? head.apply(z) : z, batch.labels);
      }, vars);
      losses.push(value.dataSync()[0]);
      value.dispose();
      optimizer.apply(grads as Record<string, tf.Tensor>, vars, lr);
      const elapsed = (Date.now() - started) / 1000;
      const stepsPerSec = (step + 1) / Math.max(elapsed, 1e-3);
      opts.onProgress?.({ step: step + 1, steps: config.steps, loss: losses[step], stepsPerSec, etaSeconds: (config.steps - step - 1) / stepsPerSec });
      // Let cancellation and progress through between steps.
      await new Promise((r) => setImmediate(r));
    }
    const tenth = Math.max(1, Math.floor(losses.length / 10));
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length);
    return {
      config,
      weights: encoder.getWeights(),
      columns,
      tracks: seqs.length,
      lossStart: mean(losses.slice(0, tenth)),
      lossEnd: mean(losses.slice(-tenth)),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    encoder.dispose();
    head?.dispose();
    loss.dispose();
    optimizer.dispose();
  }
}
