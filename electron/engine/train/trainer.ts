import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDualEncoder, type DualEncoder, type NamedWeights } from '../encoders/encoder';
import { fitStandardiser } from '../encoders/standardiser';
import { cancelledError } from '../errors';
import { createLoss, lossDescriptor, type LossName, type MetricLoss } from '../metric/losses';
import { createRng } from '../util/prng';
import { retrievalFromEmbeddings } from '../metric/retrieval';
import { CrossModalBatchSampler, type CrossModalBatch } from '../metric/samplers/cross-modal';
import { MOOD_CLASSES, type PairSample, type TrainingData } from './dataset';
import { embedSegmentsTf, meanVector, stack } from './embed';
import { AdamW, type AdamWState } from './optimizer';
import { warmupCosine } from './schedule';

export interface TrainConfig {
  loss: LossName;
  steps: number;
  batchSize: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  clipNorm: number;
  seed: number;
  /** Validate (Recall@10, video→music) every this many steps. */
  evalEvery: number;
  /** Stop after this many validations without improvement. */
  patience: number;
  hidden: number;
  outDim: number;
  convLayers: 1 | 2;
  /** InfoNCE: initial temperature (learnt). */
  temperature: number;
  /**
   * What counts as a positive in a batch: only the pair itself, or every pair of the same mood
   * class (arousal × valence × pace terciles). 'mood' keeps a few hundred pairs from being
   * memorised by their nuisance factors (style ↔ key/timbre lookups) instead of their mood.
   */
  positives: 'pair' | 'mood';
  /**
   * Polyak averaging: validate and keep an exponential moving average of the weights with this
   * decay (0 = off). With a few hundred pairs one step's weights swing from batch to batch; their
   * average sits nearer the flat middle of the basin, which is what generalises.
   */
  ema: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  loss: 'infonce',
  steps: 1500,
  batchSize: 64,
  lr: 2e-3,
  warmup: 100,
  weightDecay: 1e-4,
  clipNorm: 1,
  seed: 1,
  evalEvery: 100,
  patience: 4,
  hidden: 128,
  outDim: 128,
  convLayers: 2,
  temperature: 0.07,
  positives: 'pair',
  ema: 0,
};

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  stepsPerSec: number;
  etaSeconds: number;
  temperature?: number;
  /** Set on validation steps. */
  valRecall10?: number;
  bestRecall10: number;
}

export interface TrainResult {
  config: TrainConfig;
  /** Weights at the best validation Recall@10 (early stopping). */
  weights: { video: NamedWeights; audio: NamedWeights };
  bestStep: number;
  bestValRecall10: number;
  stepsRun: number;
  stoppedEarly: boolean;
  history: Array<{ step: number; loss: number; valRecall10?: number }>;
  seconds: number;
}

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Folder for checkpoints; a checkpoint there with the same config is resumed. */
  checkpointDir?: string;
}

interface Checkpoint {
  config: TrainConfig;
  /** Feature spec versions the weights were trained on: another spec's weights are not resumed. */
  spec?: TrainingData['spec'];
  step: number;
  weights: { video: SavedWeights; audio: SavedWeights; loss: Record<string, number[]> };
  best: { step: number; recall: number; weights: { video: SavedWeights; audio: SavedWeights } | null };
  optimizer: AdamWState;
  ema?: { video: SavedWeights; audio: SavedWeights };
  history: TrainResult['history'];
  sinceBest: number;
}

type SavedWeights = Record<string, { shape: number[]; data: string }>;

const save = (w: NamedWeights): SavedWeights =>
  Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: t.shape, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') }]));
const restore = (w: SavedWeights): NamedWeights =>
  Object.fromEntries(
    Object.entries(w).map(([k, t]) => {
      const buf = Buffer.from(t.data, 'base64');
      const data = new Float32Array(buf.length / 4);
      new Uint8Array(data.buffer).set(buf);
      return [k, { shape: t.shape, data }];
    }),
  );

/** The configured loss, given what its capabilities ask for: mood classes, a learnt temperature. */
export function buildLoss(config: TrainConfig): MetricLoss {
  const { capabilities } = lossDescriptor(config.loss);
  return createLoss(config.loss, {
    ...(capabilities.needsClassLabels && { numClasses: MOOD_CLASSES, embeddingSize: config.outDim }),
    ...(capabilities.learnableTemperature && { temperature: config.temperature, learnTemperature: true }),
  });
}

/** Decay for update number `t`: short memory at first, so the average is not stuck at the initial weights. */
export const emaDecay = (decay: number, t: number): number => Math.min(decay, (1 + t) / (10 + t));

/** shadow ← d·shadow + (1 − d)·current, in place, for every weight (the fixed standardiser averages to itself). */
export function updateAverage(shadow: NamedWeights, current: NamedWeights, d: number): void {
  for (const [name, w] of Object.entries(current)) {
    const s = shadow[name].data;
    for (let i = 0; i < s.length; i++) s[i] = d * s[i] + (1 - d) * w.data[i];
  }
}

const copyWeights = (w: NamedWeights): NamedWeights => Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.data) }]));

/** Gather one random window per pair into an encoder batch [B, W, D]. */
function gatherWindows(items: PairSample[], side: 'video' | 'audio', pick: () => number): Float32Array {
  const first = items[0][side].segments;
  const size = first.window * first.D;
  const out = new Float32Array(items.length * size);
  items.forEach((p, i) => {
    const segs = p[side].segments;
    const s = Math.floor(pick() * segs.n);
    out.set(segs.data.subarray(s * size, (s + 1) * size), i * size);
  });
  return out;
}

/** Clip-level retrieval on a split: video→music Recall@K etc. with one mean vector per clip and per track. */
export function clipLevelEmbeddings(dual: DualEncoder, items: PairSample[]): { video: Float32Array; audio: Float32Array; d: number } {
  const d = dual.video.config.outDim;
  const video = stack(items.map((p) => meanVector(embedSegmentsTf(dual.video, p.video.segments), d)), d);
  const audio = stack(items.map((p) => meanVector(embedSegmentsTf(dual.audio, p.audio.segments), d)), d);
  return { video, audio, d };
}

function validationRecall10(dual: DualEncoder, val: PairSample[]): number {
  const { video, audio, d } = clipLevelEmbeddings(dual, val);
  const labels = Int32Array.from(val, (_, i) => i);
  return retrievalFromEmbeddings(video, labels, audio, labels, d, { ks: [10] }).recallAtK[10];
}

/** Train a dual encoder on the corpus's train split, selecting the model on the val split only. */
export async function trainDualEncoder(data: TrainingData, partial: Partial<TrainConfig> = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  const train = data.pairs.filter((p) => p.split === 'train');
  const val = data.pairs.filter((p) => p.split === 'val');
  if (train.length < 2 || val.length < 1) throw new RangeError(`corpus needs train and val pairs (train ${train.length}, val ${val.length})`);
  const batchSize = Math.min(config.batchSize, train.length);
  if (!(config.ema >= 0 && config.ema < 1)) throw new RangeError(`ema decay must be in [0, 1), got ${config.ema}`);

  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: config.seed });
  dual.video.setStandardiser(fitStandardiser(train.map((p) => p.video.seq)));
  dual.audio.setStandardiser(fitStandardiser(train.map((p) => p.audio.seq)));
  const loss = buildLoss(config);
  const vars = [...dual.video.variables, ...dual.audio.variables, ...loss.trainableVariables()];
  const optimizer = new AdamW({ weightDecay: config.weightDecay, clipNorm: config.clipNorm });

  const sampler = new CrossModalBatchSampler(
    train.map((p) => ({ videoSource: p.id, musicSource: p.id, ...(config.positives === 'mood' && { group: p.classId }) })),
    { batchSize, seed: config.seed, dropLast: true },
  );
  let queue: CrossModalBatch[] = [];
  const nextBatch = (): CrossModalBatch => {
    if (queue.length === 0) queue = sampler.epoch();
    return queue.shift() as CrossModalBatch;
  };

  let step = 0;
  let best = { step: 0, recall: -1, weights: null as { video: NamedWeights; audio: NamedWeights } | null };
  let sinceBest = 0;
  let history: TrainResult['history'] = [];
  let average: { video: NamedWeights; audio: NamedWeights } | null =
    config.ema > 0 ? { video: dual.video.getWeights(), audio: dual.audio.getWeights() } : null;
  /** A copy of what validation scores: the average when averaging, else the current weights. */
  const keptWeights = (): { video: NamedWeights; audio: NamedWeights } =>
    average ? { video: copyWeights(average.video), audio: copyWeights(average.audio) } : { video: dual.video.getWeights(), audio: dual.audio.getWeights() };
  const ckptPath = opts.checkpointDir ? join(opts.checkpointDir, 'checkpoint.json') : undefined;

  if (ckptPath && existsSync(ckptPath)) {
    const ck = JSON.parse(readFileSync(ckptPath, 'utf8')) as Checkpoint;
    if (JSON.stringify(ck.config) === JSON.stringify(config) && JSON.stringify(ck.spec) === JSON.stringify(data.spec)) {
      dual.video.setWeights(restore(ck.weights.video));
      dual.audio.setWeights(restore(ck.weights.audio));
      loss.trainableVariables().forEach((v, i) => {
        const saved = ck.weights.loss[String(i)];
        if (saved) tf.tidy(() => v.assign(tf.tensor(saved, v.shape)));
      });
      optimizer.setState(ck.optimizer, vars);
      step = ck.step;
      best = { step: ck.best.step, recall: ck.best.recall, weights: ck.best.weights && { video: restore(ck.best.weights.video), audio: restore(ck.best.weights.audio) } };
      sinceBest = ck.sinceBest;
      history = ck.history;
      if (average && ck.ema) average = { video: restore(ck.ema.video), audio: restore(ck.ema.audio) };
      // Replay the sampler so the batch sequence continues exactly where the run stopped.
      for (let s = 0; s < step; s++) nextBatch();
    }
  }

  const writeCheckpoint = () => {
    if (!ckptPath || !opts.checkpointDir) return;
    mkdirSync(opts.checkpointDir, { recursive: true });
    const ck: Checkpoint = {
      config,
      spec: data.spec,
      step,
      weights: {
        video: save(dual.video.getWeights()),
        audio: save(dual.audio.getWeights()),
        // By position: tf variable names are process-wide counters and differ in a resumed run.
        loss: Object.fromEntries(loss.trainableVariables().map((v, i) => [String(i), Array.from(v.dataSync())])),
      },
      best: { step: best.step, recall: best.recall, weights: best.weights && { video: save(best.weights.video), audio: save(best.weights.audio) } },
      optimizer: optimizer.getState(vars),
      ...(average && { ema: { video: save(average.video), audio: save(average.audio) } }),
      history,
      sinceBest,
    };
    writeFileSync(`${ckptPath}.tmp`, JSON.stringify(ck));
    renameSync(`${ckptPath}.tmp`, ckptPath);
  };

  const started = Date.now();
  const firstStep = step;
  const { capabilities } = lossDescriptor(config.loss);
  let stoppedEarly = false;

  try {
    while (step < config.steps) {
      if (opts.signal?.aborted) {
        writeCheckpoint();
        throw cancelledError('training');
      }
      const batch = nextBatch();
      const items = batch.indices.map((i) => train[i]);
      const rng = createRng(config.seed * 1_000_003 + step);
      const xv = gatherWindows(items, 'video', rng.next);
      const xa = gatherWindows(items, 'audio', rng.next);
      const W = data.window;
      const lr = warmupCosine(step, { peak: config.lr, warmup: config.warmup, total: config.steps });
      const { value, grads } = tf.variableGrads(() => {
        const ev = dual.video.apply(tf.tensor3d(xv, [items.length, W, data.dims.video]));
        const ea = dual.audio.apply(tf.tensor3d(xa, [items.length, W, data.dims.audio]));
        if (capabilities.needsClassLabels) {
          const cls = items.map((p) => p.classId);
          return loss.compute(tf.concat([ev, ea], 0) as tf.Tensor2D, Int32Array.from([...cls, ...cls]));
        }
        const labels = batch.labels;
        if (capabilities.symmetricCrossModal) return loss.compute(ev, labels, { refEmb: ea, refLabels: labels });
        const a = loss.compute(ev, labels, { refEmb: ea, refLabels: labels });
        const b = loss.compute(ea, labels, { refEmb: ev, refLabels: labels });
        return tf.mul(tf.add(a, b), 0.5) as tf.Scalar;
      }, vars);
      const lossValue = value.dataSync()[0];
      value.dispose();
      optimizer.apply(grads as Record<string, tf.Tensor>, vars, lr);
      if (average) {
        const d = emaDecay(config.ema, step);
        updateAverage(average.video, dual.video.getWeights(), d);
        updateAverage(average.audio, dual.audio.getWeights(), d);
      }
      step++;
      const elapsed = (Date.now() - started) / 1000;
      const stepsPerSec = (step - firstStep) / Math.max(elapsed, 1e-3);
      const progress: TrainProgress = { step, steps: config.steps, loss: lossValue, lr, stepsPerSec, etaSeconds: (config.steps - step) / stepsPerSec, temperature: loss.currentTemperature?.(), bestRecall10: Math.max(best.recall, 0) };
      const entry: TrainResult['history'][number] = { step, loss: lossValue };
      if (step % config.evalEvery === 0 || step === config.steps) {
        // With averaging, the average is what is validated and kept; training goes on from the raw weights.
        const raw = average && { video: dual.video.getWeights(), audio: dual.audio.getWeights() };
        if (average) {
          dual.video.setWeights(average.video);
          dual.audio.setWeights(average.audio);
        }
        const r10 = validationRecall10(dual, val);
        if (raw) {
          dual.video.setWeights(raw.video);
          dual.audio.setWeights(raw.audio);
        }
        entry.valRecall10 = r10;
        progress.valRecall10 = r10;
        if (r10 > best.recall) {
          best = { step, recall: r10, weights: keptWeights() };
          sinceBest = 0;
        } else sinceBest++;
        progress.bestRecall10 = best.recall;
        history.push(entry);
        writeCheckpoint();
        opts.onProgress?.(progress);
        if (sinceBest >= config.patience) {
          stoppedEarly = true;
          break;
        }
      } else {
        if (step % 10 === 0) history.push(entry);
        opts.onProgress?.(progress);
      }
      // Let cancellation (SIGINT) and progress output through between steps.
      await new Promise((r) => setImmediate(r));
    }
    const weights = best.weights ?? keptWeights();
    return {
      config,
      weights,
      bestStep: best.step,
      bestValRecall10: best.recall,
      stepsRun: step,
      stoppedEarly,
      history,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    dual.video.dispose();
    dual.audio.dispose();
    loss.dispose();
    optimizer.dispose();
  }
}
