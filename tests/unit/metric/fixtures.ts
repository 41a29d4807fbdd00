import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../../../electron/engine/util/prng';
import { createLoss, lossDescriptor, type LossName, type MetricLoss } from '../../../electron/engine/metric/losses';
import { MarginSoftmaxLoss, ProxyAnchorLoss } from '../../../electron/engine/metric/losses';
import type { IndicesTuple } from '../../../electron/engine/metric/tuples';
import * as R from './reference';

export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

export function randMat(rows: number, cols: number, rng: Rng): R.Mat {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => gaussian(rng)));
}

export const NUM_CLASSES = 4;

/** A factory and its float64 reference, per loss: a loss added to the registry needs its entry in `refs`. */
export interface LossCase {
  make: () => MetricLoss;
  ref: (input: R.RefInput, loss: MetricLoss, alphaAt?: R.RefInput) => number;
}

const weightsOf = (loss: MetricLoss): R.Mat => ((loss as MarginSoftmaxLoss).W.arraySync() as R.Mat);

export function lossCase(name: LossName, dim: number): LossCase {
  const classOptions = { numClasses: NUM_CLASSES, embeddingSize: dim, seed: 3 };
  const make = (): MetricLoss => createLoss(name, lossDescriptor(name).capabilities.needsClassLabels ? classOptions : {});
  const softmax = (kind: R.SoftmaxKind) => (input: R.RefInput, loss: MetricLoss): number => {
    const l = loss as MarginSoftmaxLoss;
    return R.marginSoftmax64(kind, input, weightsOf(loss), l.scale, l.margin, l.lambda);
  };
  const refs: Record<LossName, LossCase['ref']> = {
    contrastive: (i) => R.contrastive64(i),
    'triplet-margin': (i) => R.triplet64(i),
    'generalized-lifted-structure': (i) => R.lifted64(i),
    'n-pairs': (i) => R.npairs64(i),
    'multi-similarity': (i) => R.multiSimilarity64(i),
    infonce: (i) => R.infonce64(i),
    supcon: (i) => R.supcon64(i),
    circle: (i, _l, alphaAt) => R.circle64(i, 0.4, 80, alphaAt),
    'l2-softmax': softmax('l2-softmax'),
    'large-margin-softmax': softmax('large-margin-softmax'),
    sphereface: softmax('sphereface'),
    normface: softmax('normface'),
    cosface: softmax('cosface'),
    arcface: softmax('arcface'),
    'proxy-anchor': (i, loss) => R.proxyAnchor64(i, (loss as ProxyAnchorLoss).proxies.arraySync() as R.Mat),
  };
  return { make, ref: refs[name] };
}

/** A random subset of the valid pairs (or triplets) of the labels, as both an engine and a reference tuple. */
export function randomTuple(kind: 'pairs' | 'triplets', labels: number[], refLabels: number[] | undefined, rng: Rng): { engine: IndicesTuple; ref: R.Tuple } {
  const refs = refLabels ?? labels;
  const pos: [number, number][] = [];
  const neg: [number, number][] = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < refs.length; j++) {
      if (!refLabels && i === j) continue;
      if (rng.next() < 0.5) continue;
      (labels[i] === refs[j] ? pos : neg).push([i, j]);
    }
  if (kind === 'pairs') {
    const ref = { kind, a1: pos.map((x) => x[0]), p: pos.map((x) => x[1]), a2: neg.map((x) => x[0]), n: neg.map((x) => x[1]) } as const;
    return { ref: { ...ref }, engine: { kind, a1: Int32Array.from(ref.a1), p: Int32Array.from(ref.p), a2: Int32Array.from(ref.a2), n: Int32Array.from(ref.n) } };
  }
  const t: [number, number, number][] = [];
  for (const [a, p] of pos) for (const [a2, n] of neg) if (a === a2 && rng.next() < 0.4) t.push([a, p, n]);
  const ref = { kind, a: t.map((x) => x[0]), p: t.map((x) => x[1]), n: t.map((x) => x[2]) } as const;
  return { ref: { ...ref }, engine: { kind, a: Int32Array.from(ref.a), p: Int32Array.from(ref.p), n: Int32Array.from(ref.n) } };
}

export const t2 = (m: R.Mat): tf.Tensor2D => tf.tensor2d(m);

export { createRng };
