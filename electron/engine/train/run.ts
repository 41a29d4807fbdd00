import * as tf from '@tensorflow/tfjs';
import { createDualEncoder, type DualEncoder } from '../encoders/encoder';
import { fitStandardiser } from '../encoders/standardiser';
import { lossDescriptor, type LossCapabilities, type MetricLoss } from '../metric/losses';
import { WeightAverage } from './averaging';
import type { TrainBatch } from './batches';
import { lossVariableValues, restoreLossVariables, type RunState } from './checkpoint';
import type { PairSample, TrainingData } from './dataset';
import { HARD_NEGATIVE_DEFAULTS, hardNegativeBatch, hardNegativeTerm, type HardNegatives } from './hard-negatives';
import { batchLoss, buildLoss } from './objective';
import { AdamW } from './optimizer';
import type { TrainConfig, TrainResult } from './trainer';
import { EarlyStopping, validateWeights, type ValidationScore } from './validation';
import { currentWeights, headVariables, loadWeights, type DualWeights } from './weights';

/**
 * One training run between steps: the encoders (standardised on the train split), the loss, the
 * optimiser, the weight average, early stopping and the history; what a checkpoint saves and restores.
 */
export class TrainingRun {
  readonly dual: DualEncoder;
  readonly loss: MetricLoss;
  readonly average: WeightAverage | null;
  readonly stopping: EarlyStopping;
  step = 0;
  history: TrainResult['history'] = [];
  private readonly capabilities: LossCapabilities;
  private readonly vars: tf.Variable[];
  private readonly optimizer: AdamW;
  private readonly seed: number;
  private readonly softPositives: number;
  private readonly negatives: HardNegatives | undefined;
  /** Warm-start values of the trained encoder variables, and the pull's strength (anchor). */
  private readonly anchor: { strength: number; values: tf.Tensor[]; vars: tf.Variable[] } | null = null;

  constructor(
    private readonly data: TrainingData,
    config: TrainConfig,
    train: PairSample[],
    /** Warm start: begin from these weights (their standardiser included) instead of a fresh init. */
    initial?: DualWeights,
    extras: {
      /** Rejected pairs pushed apart at every step beside the batch (fine-tuning on feedback). */
      negatives?: HardNegatives;
      /** L2 pull of the trained encoder weights towards the warm-start ones (L2-SP), strength; 0 = off. */
      anchor?: number;
    } = {},
  ) {
    this.seed = config.seed;
    this.softPositives = config.softPositives ?? 0;
    this.negatives = extras.negatives;
    this.dual = createDualEncoder({ videoIn: data.dims.video, audioIn: data.dims.audio, window: data.window, hidden: config.hidden, outDim: config.outDim, convLayers: config.convLayers, seed: config.seed });
    if (initial) loadWeights(this.dual, initial);
    else {
      this.dual.video.setStandardiser(fitStandardiser(train.map((p) => p.video.seq)));
      this.dual.audio.setStandardiser(fitStandardiser(train.map((p) => p.audio.seq)));
    }
    this.loss = buildLoss(config);
    this.capabilities = lossDescriptor(config.loss).capabilities;
    const trained = (e: DualEncoder['video']): tf.Variable[] => (config.headsOnly ? headVariables(e) : e.variables);
    const encoderVars = [...trained(this.dual.video), ...trained(this.dual.audio)];
    this.vars = [...encoderVars, ...this.loss.trainableVariables()];
    if (initial && extras.anchor && extras.anchor > 0) this.anchor = { strength: extras.anchor, values: encoderVars.map((v) => tf.keep(v.clone())), vars: encoderVars };
    this.optimizer = new AdamW({ weightDecay: config.weightDecay, clipNorm: config.clipNorm });
    this.average = config.ema > 0 ? new WeightAverage(this.dual, config.ema) : null;
    this.stopping = new EarlyStopping(config.patience);
  }

  /** One optimiser step on a batch at learning rate `lr`; returns the batch's loss. */
  trainStep(batch: TrainBatch, lr: number): number {
    const { dual, data } = this;
    const B = batch.items.length;
    const neg = this.negatives && this.negatives.pairs.length > 0 ? hardNegativeBatch(this.negatives, this.step, this.seed) : null;
    const { value, grads } = tf.variableGrads(() => {
      const ev = dual.video.apply(tf.tensor3d(batch.video, [B, data.window, data.dims.video]));
      const ea = dual.audio.apply(tf.tensor3d(batch.audio, [B, data.window, data.dims.audio]));
      let loss = batchLoss(this.loss, this.capabilities, ev, ea, batch.items, batch.labels, this.softPositives);
      if (this.anchor) {
        const { strength, values, vars } = this.anchor;
        const drift = tf.addN(vars.map((v, i) => tf.sum(tf.square(tf.sub(v, values[i])))));
        loss = tf.add(loss, tf.mul(drift, strength)) as tf.Scalar;
      }
      if (!neg || !this.negatives) return loss;
      const evNeg = dual.video.apply(tf.tensor3d(neg.video, [neg.n, data.window, data.dims.video]));
      const eaNeg = dual.audio.apply(tf.tensor3d(neg.audio, [neg.n, data.window, data.dims.audio]));
      const term = hardNegativeTerm(evNeg, eaNeg, ea, this.negatives.margin ?? HARD_NEGATIVE_DEFAULTS.margin);
      return tf.add(loss, tf.mul(term, this.negatives.weight ?? HARD_NEGATIVE_DEFAULTS.weight)) as tf.Scalar;
    }, this.vars);
    const lossValue = value.dataSync()[0];
    value.dispose();
    this.optimizer.apply(grads as Record<string, tf.Tensor>, this.vars, lr);
    this.average?.update(dual, this.step);
    this.step++;
    return lossValue;
  }

  /** Validation (validationMetricFor the split) of the average (when averaging) or the current weights, recorded for early stopping. */
  validate(val: PairSample[]): ValidationScore {
    // With averaging, the average is what is validated and kept; training goes on from the raw weights.
    const v = validateWeights(this.dual, val, this.average?.weights ?? null);
    this.stopping.record(this.step, v.score, () => this.keptWeights(), v.margin);
    return v;
  }

  /** A copy of what validation scores: the average when averaging, else the current weights. */
  keptWeights(): DualWeights {
    return this.average?.copy() ?? currentWeights(this.dual);
  }

  state(): RunState {
    return {
      step: this.step,
      weights: currentWeights(this.dual),
      lossVariables: lossVariableValues(this.loss.trainableVariables()),
      best: this.stopping.best,
      sinceBest: this.stopping.sinceBest,
      optimizer: this.optimizer.getState(this.vars),
      ...(this.average && { ema: this.average.weights }),
      history: this.history,
    };
  }

  restore(state: RunState): void {
    loadWeights(this.dual, state.weights);
    restoreLossVariables(this.loss.trainableVariables(), state.lossVariables);
    this.optimizer.setState(state.optimizer, this.vars);
    this.step = state.step;
    this.stopping.restore(state.best, state.sinceBest);
    this.history = state.history;
    if (this.average && state.ema) this.average.weights = state.ema;
  }

  dispose(): void {
    this.dual.video.dispose();
    this.dual.audio.dispose();
    this.loss.dispose();
    this.optimizer.dispose();
    for (const t of this.anchor?.values ?? []) t.dispose();
  }
}
