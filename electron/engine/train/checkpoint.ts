/**
 * Training checkpoints: one JSON file per run folder, written atomically, holding everything a
 * resumed run needs to end with the weights of an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedWeights } from '../encoders/encoder';
import type { TrainingData } from './dataset';
import type { AdamWState } from './optimizer';
import type { TrainConfig, TrainResult } from './trainer';
import type { BestValidation } from './validation';
import type { DualWeights } from './weights';
import { writeFileAtomic } from '../util/atomic-write';

/** The state of a run between two steps, decoded. */
export interface RunState {
  step: number;
  weights: DualWeights;
  /** Values of the loss's own variables (temperature, class weights, proxies), by position. */
  lossVariables: Record<string, number[]>;
  best: BestValidation;
  sinceBest: number;
  optimizer: AdamWState;
  /** The weight average, when averaging. */
  ema?: DualWeights;
  history: TrainResult['history'];
}

type SavedWeights = Record<string, { shape: number[]; data: string }>;
type SavedDual = { video: SavedWeights; audio: SavedWeights };

/** The file's layout (unchanged since checkpoints were introduced, so older runs still resume). */
interface CheckpointFile {
  config: TrainConfig;
  /** Feature spec versions the weights were trained on: another spec's weights are not resumed. */
  spec?: TrainingData['spec'];
  step: number;
  weights: SavedDual & { loss: Record<string, number[]> };
  best: { step: number; recall: number; weights: SavedDual | null };
  optimizer: AdamWState;
  ema?: SavedDual;
  history: TrainResult['history'];
  sinceBest: number;
}

const encode = (w: NamedWeights): SavedWeights =>
  Object.fromEntries(Object.entries(w).map(([k, t]) => [k, { shape: t.shape, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') }]));
const decode = (w: SavedWeights): NamedWeights =>
  Object.fromEntries(
    Object.entries(w).map(([k, t]) => {
      const buf = Buffer.from(t.data, 'base64');
      const data = new Float32Array(buf.length / 4);
      new Uint8Array(data.buffer).set(buf);
      return [k, { shape: t.shape, data }];
    }),
  );
const encodeDual = (w: DualWeights): SavedDual => ({ video: encode(w.video), audio: encode(w.audio) });
const decodeDual = (w: SavedDual): DualWeights => ({ video: decode(w.video), audio: decode(w.audio) });

export const checkpointFile = (dir: string): string => join(dir, 'checkpoint.json');

/** The run saved in `dir`, if there is one and it was made with this config on this feature spec. */
export function loadCheckpoint(dir: string, config: TrainConfig, spec: TrainingData['spec']): RunState | null {
  const path = checkpointFile(dir);
  if (!existsSync(path)) return null;
  const ck = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  if (JSON.stringify(ck.config) !== JSON.stringify(config) || JSON.stringify(ck.spec) !== JSON.stringify(spec)) return null;
  return {
    step: ck.step,
    weights: decodeDual(ck.weights),
    lossVariables: ck.weights.loss,
    best: { step: ck.best.step, recall: ck.best.recall, weights: ck.best.weights && decodeDual(ck.best.weights) },
    sinceBest: ck.sinceBest,
    optimizer: ck.optimizer,
    ...(ck.ema && { ema: decodeDual(ck.ema) }),
    history: ck.history,
  };
}

/** Write the run to `dir` (through a temporary file, so a crash never leaves half a checkpoint). */
export function saveCheckpoint(dir: string, config: TrainConfig, spec: TrainingData['spec'], state: RunState): void {
  mkdirSync(dir, { recursive: true });
  const ck: CheckpointFile = {
    config,
    spec,
    step: state.step,
    weights: { ...encodeDual(state.weights), loss: state.lossVariables },
    best: { step: state.best.step, recall: state.best.recall, weights: state.best.weights && encodeDual(state.best.weights) },
    optimizer: state.optimizer,
    ...(state.ema && { ema: encodeDual(state.ema) }),
    history: state.history,
    sinceBest: state.sinceBest,
  };
  const path = checkpointFile(dir);
  writeFileAtomic(path, JSON.stringify(ck));
}

/** The loss's variables by position: tf variable names are process-wide counters and differ in a resumed run. */
export const lossVariableValues = (vars: tf.Variable[]): Record<string, number[]> => Object.fromEntries(vars.map((v, i) => [String(i), Array.from(v.dataSync())]));

export function restoreLossVariables(vars: tf.Variable[], saved: Record<string, number[]>): void {
  vars.forEach((v, i) => {
    const values = saved[String(i)];
    if (values) tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
}
