/**
 * Training checkpoints: one JSON file per run folder, written atomically, holding everything a
 * resumed run needs to end with the weights of an uninterrupted one, and what it was trained on:
 * a checkpoint is resumed only by a run of the same config, feature spec and training data.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedWeights } from '../encoders/encoder';
import type { FeatureSeq } from '../features/types';
import type { PairSample, TrainingData } from './dataset';
import type { HardNegatives } from './hard-negatives';
import type { AdamWState } from './optimizer';
import type { TrainConfig, TrainResult } from './trainer';
import type { BestValidation } from './validation';
import type { DualWeights } from './weights';
import { writeFileAtomic } from '../util/atomic-write';
import { errorMessage } from '../util/error-message';

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

/** The file's layout. */
interface CheckpointFile {
  config: TrainConfig;
  /** Feature spec versions the weights were trained on: another spec's weights are not resumed. */
  spec?: TrainingData['spec'];
  /**
   * trainingFingerprint of the run's data and warm start. Absent in files written before it was
   * recorded (session 17): those are not resumed, as nothing says what data they were trained on.
   */
  data?: string;
  /** What the data was, in words (a corpus folder, a folder of edits), for the message when it differs. */
  source?: string;
  step: number;
  weights: SavedDual & { loss: Record<string, number[]> };
  best: { step: number; recall: number; margin?: number | null; weights: SavedDual | null };
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

/** What a checkpoint must have been written by to be resumed: the same config, feature spec and data. */
export interface RunIdentity {
  config: TrainConfig;
  spec: TrainingData['spec'];
  /** trainingFingerprint of the run. */
  data: string;
  /** The data in words (saved beside the fingerprint, shown when another run finds the file). */
  source?: string;
}

/** A checkpoint found in a run folder: resumed, or set aside with the reason why. */
export type CheckpointRead = { state: RunState } | { mismatch: string };

/**
 * A digest of everything a run learns from besides its config: the train and validation pairs in
 * order (split, class, latent, descriptors and encoder windows), the window shape, the warm-start
 * weights, the hard negatives and the anchor strength. Two runs with the same digest and config
 * take the same steps, so one may resume the other's checkpoint; a corpus regenerated with another
 * seed, another folder of edits or another parent model gives another digest.
 */
export function trainingFingerprint(run: {
  pairs: readonly PairSample[];
  window: number;
  hop: number;
  initial?: DualWeights;
  negatives?: HardNegatives;
  anchor?: number;
}): string {
  const hash = createHash('sha256');
  const text = (s: string): void => void hash.update(`${s}\0`);
  const floats = (a: Float32Array): void => void hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const seq = (x: FeatureSeq): void => {
    text(`seq ${x.T}x${x.D} ${x.spec}`);
    floats(x.data);
  };
  const pair = (p: PairSample): void => {
    text(`pair ${p.split} ${p.classId} ${p.latent.arousal} ${p.latent.valence} ${p.latent.pace}`);
    for (const side of [p.video, p.audio]) {
      seq(side.seq);
      text(`windows ${side.segments.n}x${side.segments.window}x${side.segments.D}`);
      floats(side.segments.data);
    }
  };
  const weights = (w: NamedWeights): void => {
    for (const name of Object.keys(w).sort()) {
      text(`weight ${name} ${w[name].shape.join('x')}`);
      floats(w[name].data);
    }
  };
  text(`window ${run.window} hop ${run.hop} pairs ${run.pairs.length}`);
  run.pairs.forEach(pair);
  if (run.initial) {
    text('warm start');
    weights(run.initial.video);
    weights(run.initial.audio);
  }
  if (run.negatives) {
    const { pairs, margin, weight, perStep } = run.negatives;
    text(`negatives ${pairs.length} ${margin} ${weight} ${perStep}`);
    pairs.forEach(pair);
  }
  text(`anchor ${run.anchor ?? 0}`);
  return hash.digest('hex');
}

/**
 * The run saved in `dir`: null when there is none; its state when it was written by this run
 * (same config, feature spec and data); else why it is not resumed.
 */
export function loadCheckpoint(dir: string, run: RunIdentity): CheckpointRead | null {
  const path = checkpointFile(dir);
  if (!existsSync(path)) return null;
  let ck: CheckpointFile;
  try {
    ck = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (err) {
    return { mismatch: `the checkpoint in ${dir} is not resumed: it cannot be read (${errorMessage(err)})` };
  }
  const mismatch =
    ck.data === undefined
      ? 'it does not record what data it was trained on (written by an older version)'
      : ck.data !== run.data
        ? `it was trained on other data${ck.source ? ` (${ck.source})` : ''}`
        : JSON.stringify(ck.config) !== JSON.stringify(run.config)
          ? 'it was trained with other settings'
          : JSON.stringify(ck.spec) !== JSON.stringify(run.spec)
            ? 'it was trained on another feature spec'
            : null;
  if (mismatch) return { mismatch: `the checkpoint in ${dir} is not resumed: ${mismatch}` };
  const state: RunState = {
    step: ck.step,
    weights: decodeDual(ck.weights),
    lossVariables: ck.weights.loss,
    best: { step: ck.best.step, recall: ck.best.recall, ...(typeof ck.best.margin === 'number' ? { margin: ck.best.margin } : {}), weights: ck.best.weights && decodeDual(ck.best.weights) },
    sinceBest: ck.sinceBest,
    optimizer: ck.optimizer,
    ...(ck.ema && { ema: decodeDual(ck.ema) }),
    history: ck.history,
  };
  return { state };
}

/** Write the run to `dir` (through a temporary file, so a crash never leaves half a checkpoint). */
export function saveCheckpoint(dir: string, run: RunIdentity, state: RunState): void {
  mkdirSync(dir, { recursive: true });
  const ck: CheckpointFile = {
    config: run.config,
    spec: run.spec,
    data: run.data,
    ...(run.source !== undefined ? { source: run.source } : {}),
    step: state.step,
    weights: { ...encodeDual(state.weights), loss: state.lossVariables },
    best: { step: state.best.step, recall: state.best.recall, ...(typeof state.best.margin === 'number' ? { margin: state.best.margin } : {}), weights: state.best.weights && encodeDual(state.best.weights) },
    optimizer: state.optimizer,
    ...(state.ema && { ema: encodeDual(state.ema) }),
    history: state.history,
    sinceBest: state.sinceBest,
  };
  const path = checkpointFile(dir);
  writeFileAtomic(path, JSON.stringify(ck));
}

/** A finished run's folder: its version is saved, nothing is left to resume (12 MB or more each). */
export function removeCheckpoint(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The loss's variables by position: tf variable names are process-wide counters and differ in a resumed run. */
export const lossVariableValues = (vars: tf.Variable[]): Record<string, number[]> => Object.fromEntries(vars.map((v, i) => [String(i), Array.from(v.dataSync())]));

export function restoreLossVariables(vars: tf.Variable[], saved: Record<string, number[]>): void {
  vars.forEach((v, i) => {
    const values = saved[String(i)];
    if (values) tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
  });
}
