/**
 * The training loop of the dual encoder: batches → loss → AdamW, with validation, early stopping,
 * weight averaging and checkpoints each in its own module.
 */
import * as tf from '@tensorflow/tfjs';
import { createDualEncoder } from '../encoders/encoder';
import { fitStandardiser } from '../encoders/standardiser';
import { cancelledError } from '../errors';
import { lossDescriptor, type LossName } from '../metric/losses';
import { WeightAverage } from './averaging';
import { TrainBatches } from './batches';
import { loadCheckpoint, lossVariableValues, restoreLossVariables, saveCheckpoint } from './checkpoint';
import type { TrainingData } from './dataset';
import { batchLoss, buildLoss } from './objective';
import { AdamW } from './optimizer';
import { warmupCosine } from './schedule';
import { EarlyStopping, validateWeights } from './validation';
import { currentWeights, loadWeights, type DualWeights } from './weights';

export { emaDecay, updateAverage } from './averaging';
export { buildLoss } from './objective';
export { clipLevelEmbeddings } from './validation';

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
  weights: DualWeights;
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

/** Train a dual encoder on the corpus's train split, selecting the model on the val split only. */
export async function trainDualEncoder(data: TrainingData, partial: Partial<TrainConfig> = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  const train = data.pairs.filter((p) => p.split === 'train');
  const val = data.pairs.filter((p) => p.split === 'val');
  if (train.length < 2 || val.length < 1) throw new RangeError(`corpus needs train and val pairs (train ${train.length}, val ${val.length})`);
  if (!(config.ema >= 0 && config.ema < 1)) throw new RangeError(`ema decay must be in [0, 1), got ${config.ema}`);

  const dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: config.seed });
  dual.video.setStandardiser(fitStandardiser(train.map((p) => p.video.seq)));
  dual.audio.setStandardiser(fitStandardiser(train.map((p) => p.audio.seq)));
  const loss = buildLoss(config);
  const { capabilities } = lossDescriptor(config.loss);
  const vars = [...dual.video.variables, ...dual.audio.variables, ...loss.trainableVariables()];
  const optimizer = new AdamW({ weightDecay: config.weightDecay, clipNorm: config.clipNorm });
  const batches = new TrainBatches(train, { batchSize: Math.min(config.batchSize, train.length), seed: config.seed, positives: config.positives });
  const average = config.ema > 0 ? new WeightAverage(dual, config.ema) : null;
  const stopping = new EarlyStopping(config.patience);
  /** A copy of what validation scores: the average when averaging, else the current weights. */
  const keptWeights = (): DualWeights => average?.copy() ?? currentWeights(dual);
  let step = 0;
  let history: TrainResult['history'] = [];

  const resumed = opts.checkpointDir ? loadCheckpoint(opts.checkpointDir, config, data.spec) : null;
  if (resumed) {
    loadWeights(dual, resumed.weights);
    restoreLossVariables(loss.trainableVariables(), resumed.lossVariables);
    optimizer.setState(resumed.optimizer, vars);
    step = resumed.step;
    stopping.restore(resumed.best, resumed.sinceBest);
    history = resumed.history;
    if (average && resumed.ema) average.weights = resumed.ema;
    // Replay the sampler so the batch sequence continues exactly where the run stopped.
    batches.skip(step);
  }
  const checkpoint = (): void => {
    if (!opts.checkpointDir) return;
    saveCheckpoint(opts.checkpointDir, config, data.spec, {
      step,
      weights: currentWeights(dual),
      lossVariables: lossVariableValues(loss.trainableVariables()),
      best: stopping.best,
      sinceBest: stopping.sinceBest,
      optimizer: optimizer.getState(vars),
      ...(average && { ema: average.weights }),
      history,
    });
  };

  const started = Date.now();
  const firstStep = step;
  let stoppedEarly = false;

  try {
    while (step < config.steps) {
      if (opts.signal?.aborted) {
        checkpoint();
        throw cancelledError('training');
      }
      const batch = batches.next(step);
      const B = batch.items.length;
      const lr = warmupCosine(step, { peak: config.lr, warmup: config.warmup, total: config.steps });
      const { value, grads } = tf.variableGrads(() => {
        const ev = dual.video.apply(tf.tensor3d(batch.video, [B, data.window, data.dims.video]));
        const ea = dual.audio.apply(tf.tensor3d(batch.audio, [B, data.window, data.dims.audio]));
        return batchLoss(loss, capabilities, ev, ea, batch.items, batch.labels);
      }, vars);
      const lossValue = value.dataSync()[0];
      value.dispose();
      optimizer.apply(grads as Record<string, tf.Tensor>, vars, lr);
      average?.update(dual, step);
      step++;
      const elapsed = (Date.now() - started) / 1000;
      const stepsPerSec = (step - firstStep) / Math.max(elapsed, 1e-3);
      const progress: TrainProgress = { step, steps: config.steps, loss: lossValue, lr, stepsPerSec, etaSeconds: (config.steps - step) / stepsPerSec, temperature: loss.currentTemperature?.(), bestRecall10: Math.max(stopping.best.recall, 0) };
      const entry: TrainResult['history'][number] = { step, loss: lossValue };
      if (step % config.evalEvery === 0 || step === config.steps) {
        // With averaging, the average is what is validated and kept; training goes on from the raw weights.
        const r10 = validateWeights(dual, val, average?.weights ?? null);
        entry.valRecall10 = r10;
        progress.valRecall10 = r10;
        stopping.record(step, r10, keptWeights);
        progress.bestRecall10 = stopping.best.recall;
        history.push(entry);
        checkpoint();
        opts.onProgress?.(progress);
        if (stopping.shouldStop) {
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
    const { best } = stopping;
    return {
      config,
      weights: best.weights ?? keptWeights(),
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
