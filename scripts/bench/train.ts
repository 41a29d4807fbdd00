/**
 * Training benches. Today: the self-supervised music space (electron/engine/similarity/) on
 * 1,000 tracks of synthetic stored features — standardiser fit, training steps (timed over
 * --steps and extrapolated to the default step count), ONNX export, and the re-embed rate of
 * the exported encoder on onnxruntime-node. Prints the TF.js backend and its thread count.
 * Also: fine-tuning the cross-modal model on --finetune-pairs (1000) aligned window pairs, warm
 * from models/base, heads only and all layers (timed over --finetune-steps), and its re-embed rate.
 * Run: npx tsx scripts/bench/train.ts [--tracks 1000] [--steps 20] [--backend wasm|cpu] [--finetune-steps 10]
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIO_NAMES } from '../../electron/engine/features/spec';
import type { FeatureSeq } from '../../electron/engine/features/types';
import { useBackend, type BackendName } from '../../electron/engine/metric/backend';
import { openMusicSpace, saveMusicSpace } from '../../electron/engine/similarity/model';
import { DEFAULT_MUSIC_SPACE_CONFIG, trainMusicSpace } from '../../electron/engine/similarity/train';
import { createRng } from '../../electron/engine/util/prng';
import { num, parse } from '../cli/args';
import { loadModelVersion } from '../../electron/engine/models/version';
import { segmentWindows } from '../../electron/engine/encoders/segments';
import { emptyData } from '../../electron/engine/train/edits';
import { readVersionWeights } from '../../electron/engine/train/finetune';
import { onnxEmbedder } from '../../electron/engine/train/export';
import { trainDualEncoder } from '../../electron/engine/train/trainer';
import type { PairSample } from '../../electron/engine/train/dataset';
import { VIDEO_NAMES } from '../../electron/engine/features/spec';

const { values } = parse(
  process.argv.slice(2),
  {
    tracks: { type: 'string' },
    steps: { type: 'string' },
    'track-seconds': { type: 'string' },
    'finetune-pairs': { type: 'string' },
    'finetune-steps': { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  },
  false,
);
const tracks = num(values.tracks, 'tracks', { min: 2, int: true }) ?? 1000;
const steps = num(values.steps, 'steps', { min: 1, int: true }) ?? 20;
const seconds = num(values['track-seconds'], 'track-seconds', { min: 16 }) ?? 180;

/** A random-walk feature sequence per track (values do not change the cost). */
function syntheticTrack(i: number, T: number): FeatureSeq {
  const rng = createRng(i + 1);
  const D = AUDIO_NAMES.length;
  const data = new Float32Array(T * D);
  const level = Array.from({ length: D }, () => rng.next() * 40 - 60);
  for (let t = 0; t < T; t++) for (let c = 0; c < D; c++) data[t * D + c] = level[c] += rng.next() - 0.5;
  return { names: [...AUDIO_NAMES], data, T, D, step: 0.5, spec: 'bench', start: 0 };
}

const backend = await useBackend(values.backend as BackendName);
const threads = backend === 'wasm' ? getThreadsCount() : 1;
const T = Math.round(seconds / 0.5);
const seqs = Array.from({ length: tracks }, (_, i) => syntheticTrack(i, T));
const cfg = DEFAULT_MUSIC_SPACE_CONFIG;
console.log(`music space: ${tracks} tracks × ${seconds} s (T ${T}, D ${AUDIO_NAMES.length}); batch ${cfg.tracksPerBatch}×${cfg.cropsPerTrack} crops of ${cfg.window} steps, hidden ${cfg.hidden}, d ${cfg.outDim}, ${cfg.loss}`);
console.log(`TF.js backend ${backend} (${threads} thread${threads === 1 ? '' : 's'}; wasm multithreading ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}); ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average ${loadavg()[0].toFixed(1)}`);

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await trainMusicSpace(seqs, { steps, warmup: Math.min(cfg.warmup, steps) });
const trainSeconds = (performance.now() - t0) / 1000;
const trainCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6;
const perStep = trainSeconds / steps;
console.log(`training: ${steps} steps in ${trainSeconds.toFixed(1)} s (${(perStep * 1000).toFixed(0)} ms/step, ${(trainCpu / steps).toFixed(2)} CPU-s/step)`);
console.log(`  → the default ${cfg.steps} steps on ${tracks} tracks: ≈ ${((perStep * cfg.steps) / 60).toFixed(1)} min (steps, not tracks, set the cost)`);

const dir = mkdtempSync(join(tmpdir(), 'nd-bench-space-'));
try {
  const e0 = performance.now();
  await saveMusicSpace(join(dir, 'space'), result, { featureSpec: 'bench', warmStart: false });
  const exportMs = performance.now() - e0;
  const session = await openMusicSpace(join(dir, 'space'), { log: () => {} });
  const r0 = performance.now();
  for (const s of seqs) await session.embedTrack(s);
  const embedSeconds = (performance.now() - r0) / 1000;
  await session.close();
  console.log(`ONNX export ${exportMs.toFixed(0)} ms; re-embed (onnxruntime-node, cpu): ${tracks} tracks in ${embedSeconds.toFixed(1)} s = ${(tracks / embedSeconds).toFixed(0)} tracks/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ── Fine-tuning the cross-modal model (train/finetune.ts) on 1,000 aligned window pairs ──────
{
  const pairsN = num(values['finetune-pairs'], 'finetune-pairs', { min: 4, int: true }) ?? 1000;
  const ftSteps = num(values['finetune-steps'], 'finetune-steps', { min: 1, int: true }) ?? 10;
  const base = await loadModelVersion(join(process.cwd(), 'models', 'base'));
  const warm = await readVersionWeights(base);
  const { window } = base.manifest;
  const data = emptyData({ window, hop: base.manifest.hop });
  const walk = (i: number, names: readonly string[]): FeatureSeq => ({ ...syntheticTrack(i, window), names: [...names], D: names.length, data: Float32Array.from({ length: window * names.length }, (_, k) => Math.sin(i * 0.37 + k * 0.11)) });
  data.pairs = Array.from({ length: pairsN }, (_, i): PairSample => {
    const v = walk(i, VIDEO_NAMES);
    const a = walk(i + 7, AUDIO_NAMES);
    return {
      id: `edit-${i % 50}`, index: i, split: i % 50 < 40 ? 'train' : 'val', latent: { arousal: 0.5, valence: 0.5, pace: 0.5 }, classId: i % 50,
      video: { seq: v, summary: undefined as never, segments: segmentWindows(v, { window }) },
      audio: { seq: a, summary: undefined as never, segments: segmentWindows(a, { window }) },
    };
  });
  data.dims = { video: VIDEO_NAMES.length, audio: AUDIO_NAMES.length };
  for (const headsOnly of [true, false]) {
    const f0 = performance.now();
    await trainDualEncoder(data, { loss: 'infonce', positives: 'mood', steps: ftSteps, warmup: 1, evalEvery: ftSteps, hidden: warm.hidden, outDim: warm.outDim, convLayers: warm.convLayers, headsOnly }, { initialWeights: warm.weights });
    const per = (performance.now() - f0) / 1000 / ftSteps;
    console.log(`fine-tune (${headsOnly ? 'heads only' : 'all layers'}, batch 64, ${pairsN} pairs, warm from base): ${(per * 1000).toFixed(0)} ms/step incl. one validation → 300 steps ≈ ${((per * 300) / 60).toFixed(1)} min`);
  }
  // Re-embedding the library after activating a version: audio segments through the ONNX encoder.
  const emb = await onnxEmbedder(base, 'cpu');
  const segs = segmentWindows(syntheticTrack(1, T), { window, hop: base.manifest.hop });
  const sample = Math.min(20, tracks);
  const r0 = performance.now();
  for (let i = 0; i < sample; i++) await emb.audio(segs);
  const rs = (performance.now() - r0) / 1000;
  await emb.close();
  console.log(`cross-modal re-embed (onnxruntime-node, cpu): ${((sample * segs.n) / rs).toFixed(0)} segments/s = ${(sample / rs).toFixed(1)} tracks/s of ${seconds} s (${segs.n} segments each) → ${tracks} tracks ≈ ${((tracks * rs) / sample / 60).toFixed(1)} min`);
}
