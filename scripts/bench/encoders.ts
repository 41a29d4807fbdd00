/**
 * Encoder speed: segments embedded per second by onnxruntime-node on CPU at batch 1, 64, 1024,
 * and the TF.js training-step time (forward + backward of both encoders, symmetric InfoNCE,
 * Adam update) on the cpu and wasm backends. Random weights and inputs: speed does not depend
 * on the values. Run: npx tsx scripts/bench/encoders.ts [--seconds 3] [--audio-dim N] ...
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDualEncoder, createEncoder, DEFAULT_HIDDEN, DEFAULT_OUT_DIM } from '../../electron/engine/encoders/encoder';
import { encoderToOnnx } from '../../electron/engine/encoders/onnx-export';
import { seededRandom } from '../../electron/engine/encoders/rng';
import { openEncoder } from '../../electron/engine/encoders/runtime';
import { DEFAULT_WINDOW } from '../../electron/engine/encoders/segments';
import { AUDIO_NAMES, VIDEO_NAMES } from '../../electron/engine/features/spec';
import { num, parse } from '../cli/args';

const { values } = parse(
  process.argv.slice(2),
  {
    'audio-dim': { type: 'string' },
    'video-dim': { type: 'string' },
    hidden: { type: 'string' },
    out: { type: 'string' },
    seconds: { type: 'string' },
    'train-batch': { type: 'string' },
    'train-steps': { type: 'string' },
    backends: { type: 'string', default: 'cpu,wasm' },
  },
  false,
);
const audioDim = num(values['audio-dim'], 'audio-dim', { min: 1, int: true }) ?? AUDIO_NAMES.length;
const videoDim = num(values['video-dim'], 'video-dim', { min: 1, int: true }) ?? VIDEO_NAMES.length;
const hidden = num(values.hidden, 'hidden', { min: 1, int: true }) ?? DEFAULT_HIDDEN;
const outDim = num(values.out, 'out', { min: 1, int: true }) ?? DEFAULT_OUT_DIM;
const seconds = num(values.seconds, 'seconds', { min: 0.1 }) ?? 3;
const trainBatch = num(values['train-batch'], 'train-batch', { min: 2, int: true }) ?? 128;
const trainSteps = num(values['train-steps'], 'train-steps', { min: 1, int: true }) ?? 5;
const window = DEFAULT_WINDOW;

function randomInput(n: number, D: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * window * D }, () => random() * 4 - 2);
}

console.log(`encoders: window ${window}, audio D ${audioDim}, video D ${videoDim}, hidden ${hidden}, d ${outDim}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);

// 1. Inference with onnxruntime-node on CPU.
await tf.setBackend('cpu');
const dir = mkdtempSync(join(tmpdir(), 'nd-bench-enc-'));
console.log('\nonnxruntime-node (cpu): segments embedded per second');
// CPU time too: on a shared machine wall-clock rates swing with the load; per-CPU-second rates do not.
console.log('modality  batch  ms/call   segments/s  segments/cpu-s');
for (const [modality, D] of [['audio', audioDim], ['video', videoDim]] as const) {
  const enc = createEncoder({ inDim: D, window, hidden, outDim, seed: 1 });
  const file = join(dir, `${modality}.onnx`);
  writeFileSync(file, encoderToOnnx(enc.getWeights(), enc.config));
  enc.dispose();
  for (const batch of [1, 64, 1024]) {
    // One onnxruntime call per batch: the chunk is the batch.
    const session = await openEncoder(file, { provider: 'cpu', chunkSize: batch });
    const x = randomInput(batch, D, batch);
    await session.embed(x, batch);
    let calls = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    while (performance.now() - t0 < seconds * 1000) {
      await session.embed(x, batch);
      calls++;
    }
    const ms = (performance.now() - t0) / calls;
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${modality.padEnd(8)}  ${String(batch).padStart(5)}  ${ms.toFixed(3).padStart(7)}  ${((batch * 1000) / ms).toFixed(0).padStart(11)}  ${((batch * calls) / cpuSeconds).toFixed(0).padStart(14)}`,
    );
    await session.close();
  }
}
rmSync(dir, { recursive: true, force: true });

// 2. One training step of the dual encoder on each TF.js backend.
console.log(`\nTF.js training step (both encoders, symmetric InfoNCE, Adam), batch ${trainBatch}`);
console.log('backend  ms/step  cpu-ms/step  pairs/s');
for (const backend of (values.backends ?? '').split(',').filter(Boolean)) {
  if (!(await tf.setBackend(backend))) {
    console.log(`${backend.padEnd(7)}  unavailable`);
    continue;
  }
  await tf.ready();
  const dual = createDualEncoder({ videoIn: videoDim, audioIn: audioDim, window, hidden, outDim, seed: 1 });
  const logTemp = tf.variable(tf.scalar(Math.log(1 / 0.07)));
  const optimizer = tf.train.adam(1e-3);
  const video = tf.tensor3d(randomInput(trainBatch, videoDim, 2), [trainBatch, window, videoDim]);
  const audio = tf.tensor3d(randomInput(trainBatch, audioDim, 3), [trainBatch, window, audioDim]);
  const labels = tf.oneHot(tf.range(0, trainBatch, 1, 'int32'), trainBatch);
  const vars = [...dual.video.variables, ...dual.audio.variables, logTemp];
  const step = (): number => {
    const loss = optimizer.minimize(
      () => {
        // Symmetric cross-modal InfoNCE: row i of each side is the positive of row i of the other.
        const logits = tf.mul(tf.matMul(dual.video.apply(video), dual.audio.apply(audio), false, true), tf.exp(logTemp));
        return tf.div(tf.add(tf.losses.softmaxCrossEntropy(labels, logits), tf.losses.softmaxCrossEntropy(labels, tf.transpose(logits))), 2) as tf.Scalar;
      },
      true,
      vars,
    );
    const value = loss?.dataSync()[0] ?? NaN;
    loss?.dispose();
    return value;
  };
  step();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let last = 0;
  for (let i = 0; i < trainSteps; i++) last = step();
  const ms = (performance.now() - t0) / trainSteps;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1e3 / trainSteps;
  console.log(`${backend.padEnd(7)}  ${ms.toFixed(0).padStart(7)}  ${cpuMs.toFixed(0).padStart(11)}  ${((trainBatch * 1000) / ms).toFixed(0).padStart(7)}   (loss ${last.toFixed(3)})`);
  tf.dispose([video, audio, labels, logTemp]);
  optimizer.dispose();
  dual.video.dispose();
  dual.audio.dispose();
}
