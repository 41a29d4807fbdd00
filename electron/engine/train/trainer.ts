/**
 * The training loop of the dual encoder: batches → loss → AdamW step (run.ts), validation and early
 * stopping (validation.ts), weight averaging (averaging.ts), checkpoints (checkpoint.ts).
 */
import { NeedledropError } from '../errors';
import type { LossName } from '../metric/losses';
import { TrainBatches } from './batches';
import { loadCheckpoint, saveCheckpoint, trainingFingerprint, type RunIdentity } from './checkpoint';
import type { PairSample, TrainingData } from './dataset';
import { musicSources } from './eval';
import type { HardNegatives } from './hard-negatives';
import { TrainingRun } from './run';
import { warmupCosine } from './schedule';
import { validationMetricOf, type BestValidation, type ValidationMetric } from './validation';
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
  /** Validate (video→music Recall@10, or MRR on a split of 10 or fewer: validationMetricFor) every this many steps. */
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

/**
 * The warm-up of a run of `steps` when none is given (review S18): a tenth of a short run, so it
 * reaches its learning rate and decays (a fixed 100 left a 40-step run at 0.4 × its lr, rising to
 * the end); 100 from 1000 steps on, as before, so the shipped base (1150 steps) and every run of
 * 1000 or more steps train exactly as recorded.
 */
export function defaultWarmup(steps: number): number {
  return Math.min(DEFAULT_TRAIN_CONFIG.warmup, Math.ceil(steps / 10));
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
  /** What valRecall10 and bestRecall10 hold: Recall@10, or the MRR on a validation split of 10 or fewer; 'none': nothing is validated (validationMetricOf). */
  valMetric: ValidationMetric;
  /** Set on validation steps: the validation score in valMetric. */
  valRecall10?: number;
  /** Set on MRR validation steps: the mean margin of the own track's cosine over the others' (it breaks MRR ties). */
  valMargin?: number;
  bestRecall10: number;
}

export interface TrainResult {
  config: TrainConfig;
  /** Weights at the best validation score (early stopping). */
  weights: DualWeights;
  bestStep: number;
  /** The best validation score, in valMetric (NaN when valMetric is 'none'). */
  bestValRecall10: number;
  valMetric: ValidationMetric;
  stepsRun: number;
  stoppedEarly: boolean;
  /** The step a checkpoint was resumed at (null: the run started at step 0). */
  resumedAt: number | null;
  history: Array<{ step: number; loss: number; valRecall10?: number }>;
  seconds: number;
}

/** What became of a checkpoint found in the run's folder. */
export type CheckpointEvent = { resumed: { step: number; steps: number } } | { startedOver: string; steps: number };

/** The event in words, as the fronts say it. */
export const checkpointNote = (e: CheckpointEvent): string => ('resumed' in e ? `resuming at step ${e.resumed.step} of ${e.resumed.steps}` : `${e.startedOver}; starting over from step 0`);

export interface TrainOptions {
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /**
   * Folder for checkpoints; a checkpoint there is resumed only when written by a run of the same
   * config, feature spec and data (trainingFingerprint), else replaced by this run's.
   */
  checkpointDir?: string;
  /** What the data is, in words (saved in the checkpoint, said when another run finds it). */
  dataSource?: string;
  /** Told whether a checkpoint in checkpointDir was resumed or set aside, before the first step. */
  onCheckpoint?: (e: CheckpointEvent) => void;
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
  /**
   * With initialWeights: the warm start (step 0) is validated first and is a candidate like any
   * step, so a run none of whose steps beats it keeps its weights (bestStep 0) instead of its best
   * worse step (review R1.6: a fine-tune kept step 30 at 0.600 where its parent scored 0.800).
   */
  parentIsCandidate?: boolean;
}

/**
 * A progress event's numbers as job metrics: the validation score under its metric's name
 * (valRecall10/bestRecall10, or valMrr/bestMrr on a small split), so no front reads an MRR as a recall.
 */
export function progressMetrics(p: TrainProgress): Record<string, number> {
  const [val, best] = p.valMetric === 'R@10' ? ['valRecall10', 'bestRecall10'] : ['valMrr', 'bestMrr'];
  return {
    loss: p.loss,
    lr: p.lr,
    stepsPerSec: p.stepsPerSec,
    etaSeconds: p.etaSeconds,
    ...(p.valMetric !== 'none' ? { [best]: p.bestRecall10 } : {}),
    ...(p.valRecall10 !== undefined ? { [val]: p.valRecall10 } : {}),
    ...(p.valMargin !== undefined ? { valMargin: p.valMargin } : {}),
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
  };
}

/**
 * What a validation split (`unit`: pairs, windows) is scored on, in words, when it is not plain
 * Recall@10 (null then): validationMetricOf.
 */
export function validationNote(val: readonly PairSample[], positives: 'pair' | 'mood', unit: string, what: string): string | null {
  const metric = validationMetricOf(val, positives);
  if (metric === 'R@10') return null;
  const all = 'so no step is selected: every step runs and the last is kept';
  if (metric === 'none') return val.length < 2 ? `${what}: one item, nothing to rank it against, ${all}` : `${what}: ${val.length} ${unit}, all from one source (each other's positives), nothing to rank them against, ${all}`;
  // Ranked against one music entry per source (eval.ts sourceRetrieval): on a corpus, one per pair.
  const sources = musicSources(val);
  const among = sources === val.length ? `${val.length} ${unit}` : `${val.length} ${unit} ranked against ${sources} soundtracks (one per held-out source)`;
  return `${what}: ${among}, so Recall@10 would be 1 for any model: the kept step is chosen on the mean reciprocal rank (MRR) instead, equal ones by the margin of each clip's own track over the others`;
}

/** Train a dual encoder on the corpus's train split, selecting the model on the val split only. */
export async function trainDualEncoder(data: TrainingData, partial: Partial<TrainConfig> = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, warmup: defaultWarmup(partial.steps ?? DEFAULT_TRAIN_CONFIG.steps), ...partial };
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
  const valMetric = validationMetricOf(val, config.positives);
  const identity: RunIdentity | null = opts.checkpointDir
    ? {
        config,
        spec: data.spec,
        data: trainingFingerprint({ pairs: [...train, ...val], window: data.window, hop: data.hop, initial: opts.initialWeights, negatives: opts.hardNegatives, anchor: opts.anchor }),
        ...(opts.dataSource !== undefined ? { source: opts.dataSource } : {}),
      }
    : null;
  const found = opts.checkpointDir && identity ? loadCheckpoint(opts.checkpointDir, identity) : null;
  if (found && 'state' in found) {
    run.restore(found.state);
    // Replay the sampler so the batch sequence continues exactly where the run stopped.
    batches.skip(run.step);
    opts.onCheckpoint?.({ resumed: { step: run.step, steps: config.steps } });
  } else if (found) opts.onCheckpoint?.({ startedOver: found.mismatch, steps: config.steps });
  const checkpoint = (): void => {
    if (opts.checkpointDir && identity) saveCheckpoint(opts.checkpointDir, identity, run.state());
  };

  // The parent as step 0's candidate (not on a resume: the checkpoint holds the best so far, the parent included).
  if (opts.parentIsCandidate && opts.initialWeights && valMetric !== 'none' && run.step === 0) run.validate(val);

  const started = Date.now();
  const firstStep = run.step;
  let stoppedEarly = false;

  try {
    while (run.step < config.steps) {
      if (opts.signal?.aborted) {
        checkpoint();
        // With a checkpoint the run is not lost: the same run (config and data) resumes it.
        throw new NeedledropError('cancelled', opts.checkpointDir ? `training cancelled at step ${run.step} of ${config.steps}; its checkpoint is kept` : 'training cancelled');
      }
      const lr = warmupCosine(run.step, { peak: config.lr, warmup: config.warmup, total: config.steps });
      const lossValue = run.trainStep(batches.next(run.step), lr);
      const { step, stopping } = run;
      const elapsed = (Date.now() - started) / 1000;
      const stepsPerSec = (step - firstStep) / Math.max(elapsed, 1e-3);
      const progress: TrainProgress = { step, steps: config.steps, loss: lossValue, lr, stepsPerSec, etaSeconds: (config.steps - step) / stepsPerSec, temperature: run.loss.currentTemperature?.(), valMetric, bestRecall10: Math.max(stopping.best.recall, 0) };
      const entry: TrainResult['history'][number] = { step, loss: lossValue };
      if (valMetric === 'none') {
        // Nothing to validate on: checkpoints on the same grid, no early stopping.
        if (step % config.evalEvery === 0 || step === config.steps) checkpoint();
        if (step % 10 === 0) run.history.push(entry);
        opts.onProgress?.(progress);
      } else if (step % config.evalEvery === 0 || step === config.steps) {
        const { score: r10, margin } = run.validate(val);
        entry.valRecall10 = r10;
        progress.valRecall10 = r10;
        if (margin !== null) progress.valMargin = margin;
        progress.bestRecall10 = stopping.best.recall;
        opts.onValidated?.(step, stopping.best);
        run.history.push(entry);
        checkpoint();
        opts.onProgress?.(progress);
        // Patience running out on the last step ends nothing early: every step ran.
        if (stopping.shouldStop && step < config.steps) {
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
    const unvalidated = valMetric === 'none';
    return {
      config,
      weights: unvalidated ? run.keptWeights() : (best.weights ?? run.keptWeights()),
      bestStep: unvalidated ? run.step : best.step,
      bestValRecall10: unvalidated ? NaN : best.recall,
      valMetric,
      stepsRun: run.step,
      stoppedEarly,
      resumedAt: firstStep > 0 ? firstStep : null,
      history: run.history,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    run.dispose();
  }
}
