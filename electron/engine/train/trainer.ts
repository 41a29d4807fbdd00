/**
 * The training loop of the dual encoder: batches → loss → AdamW step (run.ts), validation and early
 * stopping (validation.ts), weight averaging (averaging.ts), checkpoints (checkpoint.ts).
 */
import { cancelledError } from '../errors';
import type { LossName } from '../metric/losses';
import { TrainBatches } from './batches';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import type { TrainingData } from './dataset';
import type { HardNegatives } from './hard-negatives';
import { TrainingRun } from './run';
import { warmupCosine } from './schedule';
import type { BestValidation } from './validation';
import type { DualWeights } from './weights';

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
   * Bins per latent for mood positives (3: the 27 terciles classes the class losses use). Finer
   * bins leave fewer look-alike positives in a batch, so the model must also rank within a mood,
   * which is what a gallery of hundreds of tracks asks of it.
   */
  moodBins: number;
  /**
   * Polyak averaging: validate and keep an exponential moving average of the weights with this
   * decay (0 = off). With a few hundred pairs one step's weights swing from batch to batch; their
   * average sits nearer the flat middle of the basin, which is what generalises.
   */
  ema: number;
  /**
   * Soft positives (InfoNCE only): σ, in latent units, of a Gaussian kernel over the latent distance
   * that gives each pair a target distribution over its batch (soft-positives.ts), in place of
   * `positives`. Absent or 0: off.
   */
  softPositives?: number;
  /** Train only the projection heads (proj1, proj2), the temporal convolutions frozen (fine-tuning on little data). */
  headsOnly?: boolean;
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
  moodBins: 3,
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
  /** Warm start from these weights (a model version's, read back from its ONNX files). */
  initialWeights?: DualWeights;
  /** Rejected pairs to push apart at every step (hard-negatives.ts). */
  hardNegatives?: HardNegatives;
  /**
   * With initialWeights: strength of an L2 pull of the trained weights back to them (L2-SP,
   * λ·Σ‖w − w₀‖²), which limits how far fine-tuning drifts from what the parent knew. 0 = off.
   */
  anchor?: number;
  /**
   * After each validation, the best validation so far (its weights a copy that is never changed
   * afterwards): what early stopping would keep if training ended at this step. Lets a caller
   * score the model a shorter run of the same schedule would have kept (a prefix of the budget).
   * A run resumed from `checkpointDir` reports only the validations after the resume.
   */
  onValidated?: (step: number, best: Readonly<BestValidation>) => void;
}

/** Train a dual encoder on the corpus's train split, selecting the model on the val split only. */
export async function trainDualEncoder(data: TrainingData, partial: Partial<TrainConfig> = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  const train = data.pairs.filter((p) => p.split === 'train');
  const val = data.pairs.filter((p) => p.split === 'val');
  if (train.length < 2 || val.length < 1) throw new RangeError(`corpus needs train and val pairs (train ${train.length}, val ${val.length})`);
  if (!(config.ema >= 0 && config.ema < 1)) throw new RangeError(`ema decay must be in [0, 1), got ${config.ema}`);
  const soft = config.softPositives ?? 0;
  if (!(soft >= 0 && Number.isFinite(soft))) throw new RangeError(`softPositives must be a number ≥ 0, got ${config.softPositives}`);
  if (soft > 0 && config.loss !== 'infonce') throw new RangeError(`softPositives needs the infonce loss, not ${config.loss}`);

  const run = new TrainingRun(data, config, train, opts.initialWeights, {
    ...(opts.hardNegatives ? { negatives: opts.hardNegatives } : {}),
    ...(opts.anchor ? { anchor: opts.anchor } : {}),
  });
  const batches = new TrainBatches(train, { batchSize: Math.min(config.batchSize, train.length), seed: config.seed, positives: config.positives, moodBins: config.moodBins });
  const resumed = opts.checkpointDir ? loadCheckpoint(opts.checkpointDir, config, data.spec) : null;
  if (resumed) {
    run.restore(resumed);
    // Replay the sampler so the batch sequence continues exactly where the run stopped.
    batches.skip(run.step);
  }
  const checkpoint = (): void => {
    if (opts.checkpointDir) saveCheckpoint(opts.checkpointDir, config, data.spec, run.state());
  };

  const started = Date.now();
  const firstStep = run.step;
  let stoppedEarly = false;

  try {
    while (run.step < config.steps) {
      if (opts.signal?.aborted) {
        checkpoint();
        throw cancelledError('training');
      }
      const lr = warmupCosine(run.step, { peak: config.lr, warmup: config.warmup, total: config.steps });
      const lossValue = run.trainStep(batches.next(run.step), lr);
      const { step, stopping } = run;
      const elapsed = (Date.now() - started) / 1000;
      const stepsPerSec = (step - firstStep) / Math.max(elapsed, 1e-3);
      const progress: TrainProgress = { step, steps: config.steps, loss: lossValue, lr, stepsPerSec, etaSeconds: (config.steps - step) / stepsPerSec, temperature: run.loss.currentTemperature?.(), bestRecall10: Math.max(stopping.best.recall, 0) };
      const entry: TrainResult['history'][number] = { step, loss: lossValue };
      if (step % config.evalEvery === 0 || step === config.steps) {
        const r10 = run.validate(val);
        entry.valRecall10 = r10;
        progress.valRecall10 = r10;
        progress.bestRecall10 = stopping.best.recall;
        opts.onValidated?.(step, stopping.best);
        run.history.push(entry);
        checkpoint();
        opts.onProgress?.(progress);
        if (stopping.shouldStop) {
          stoppedEarly = true;
          break;
        }
      } else {
        if (step % 10 === 0) run.history.push(entry);
        opts.onProgress?.(progress);
      }
      // Let cancellation (SIGINT) and progress output through between steps.
      await new Promise((r) => setImmediate(r));
    }
    const { best } = run.stopping;
    return {
      config,
      weights: best.weights ?? run.keptWeights(),
      bestStep: best.step,
      bestValRecall10: best.recall,
      stepsRun: run.step,
      stoppedEarly,
      history: run.history,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    run.dispose();
  }
}
