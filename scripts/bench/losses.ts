/**
 * Forward+backward time of every metric loss on 256 embeddings of 128 dimensions, per TF.js backend.
 * Usage: npx tsx scripts/bench/losses.ts [--backends cpu,wasm] [--steps 5] [--losses infonce,circle]
 * Labels: 64 classes × 4 samples (a P×K batch); "infonce (cross-modal)" is 256 video × 256 music pairs.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { useBackend, type BackendName } from '../../electron/engine/metric/backend';
import { CLASS_LOSS_NAMES, createLoss, LOSS_NAMES, type LossInput, type MetricLoss } from '../../electron/engine/metric/losses';
import { median } from './stats';

const N = 256;
const D = 128;
const CLASSES = 64;

const { values } = parseArgs({
  options: { backends: { type: 'string', default: 'cpu,wasm' }, steps: { type: 'string', default: '5' }, losses: { type: 'string' } },
});
const backends = (values.backends ?? 'cpu,wasm').split(',') as BackendName[];
const steps = Math.max(1, Number(values.steps));

interface Case {
  label: string;
  make: () => MetricLoss;
  input: (emb: tf.Variable<tf.Rank.R2>, ref: tf.Variable<tf.Rank.R2>) => { labels: Int32Array; opts: LossInput };
}

const classLabels = Int32Array.from({ length: N }, (_, i) => i % CLASSES);
const pairIds = Int32Array.from({ length: N }, (_, i) => i);
const allCases: Case[] = [
  ...LOSS_NAMES.map((name) => ({
    label: name,
    make: () => createLoss(name, CLASS_LOSS_NAMES.includes(name) ? { numClasses: CLASSES, embeddingSize: D } : {}),
    input: () => ({ labels: classLabels, opts: {} }),
  })),
  {
    label: 'infonce (cross-modal, learnable τ)',
    make: () => createLoss('infonce', { learnTemperature: true }),
    input: (_emb, ref) => ({ labels: pairIds, opts: { refEmb: ref, refLabels: pairIds } }),
  },
];

const only = values.losses?.split(',');
const cases = only ? allCases.filter((c) => only.some((name) => c.label.startsWith(name))) : allCases;

async function timeCase(c: Case): Promise<number> {
  const emb = tf.variable(tf.randomNormal([N, D], 0, 1, 'float32', 1)) as tf.Variable<tf.Rank.R2>;
  const ref = tf.variable(tf.randomNormal([N, D], 0, 1, 'float32', 2)) as tf.Variable<tf.Rank.R2>;
  const loss = c.make();
  const { labels, opts } = c.input(emb, ref);
  const vars = [emb, ...(opts.refEmb ? [ref] : []), ...loss.trainableVariables()];
  const step = (): void => {
    const { value, grads } = tf.variableGrads(() => loss.compute(emb, labels, opts), vars);
    // Reading the results forces the backend to finish the work.
    value.dataSync();
    for (const g of Object.values(grads)) g.dataSync();
    tf.dispose([value, grads]);
  };
  step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  loss.dispose();
  tf.dispose([emb, ref]);
  return median(times);
}

const results = new Map<string, Map<BackendName, number>>();
for (const backend of backends) {
  await useBackend(backend);
  const t0 = performance.now();
  for (const [k, c] of cases.entries()) {
    const ms = await timeCase(c);
    if (!results.has(c.label)) results.set(c.label, new Map());
    results.get(c.label)!.set(backend, ms);
    const elapsed = (performance.now() - t0) / 1000;
    const eta = (elapsed / (k + 1)) * (cases.length - k - 1);
    process.stderr.write(`${backend}: ${k + 1}/${cases.length} ${c.label} ${ms.toFixed(1)} ms, ${elapsed.toFixed(1)} s elapsed, ETA ${eta.toFixed(0)} s\n`);
  }
}

const header = ['loss', ...backends.map((b) => `${b} ms`), ...(backends.length === 2 ? [`${backends[0]}/${backends[1]}`] : [])];
const rows = [...results.entries()].map(([label, m]) => {
  const ms = backends.map((b) => m.get(b) ?? NaN);
  return [label, ...ms.map((x) => x.toFixed(1)), ...(backends.length === 2 ? [(ms[0] / ms[1]).toFixed(2)] : [])];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log(`forward+backward, ${N}×${D} embeddings, median of ${steps} steps (${CLASSES} classes × ${N / CLASSES})`);
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of rows) console.log(line(r));
