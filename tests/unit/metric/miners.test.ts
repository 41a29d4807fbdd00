import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../electron/engine/metric/backend';
import { createMiner, MINER_NAMES, type Miner, type MinerName } from '../../../electron/engine/metric/miners';
import { TripletMarginLoss } from '../../../electron/engine/metric/losses';
import type { IndicesTuple } from '../../../electron/engine/metric/tuples';
import { createRng, randMat, t2 } from './fixtures';
import { dist, triplet64, type Mat, type RefDistance } from './reference';

beforeAll(async () => {
  await useBackend('cpu');
});

interface MineInput {
  emb: Mat;
  labels: number[];
  ref?: Mat;
  refLabels?: number[];
}

/** Float64 miners written from the papers' selection rules. */
function referenceMine(name: MinerName, input: MineInput, kind: RefDistance): string[] {
  const refs = input.ref ?? input.emb;
  const refLabels = input.refLabels ?? input.labels;
  const sim = kind === 'cosine' || kind === 'dot';
  const d = (i: number, j: number): number => dist(kind, input.emb[i], refs[j]);
  const out: string[] = [];
  for (let i = 0; i < input.emb.length; i++) {
    const js = refs.map((_, j) => j).filter((j) => input.ref || j !== i);
    const P = js.filter((j) => refLabels[j] === input.labels[i]);
    const N = js.filter((j) => refLabels[j] !== input.labels[i]);
    // "closeness": higher = closer whatever the polarity.
    const c = (j: number): number => (sim ? d(i, j) : -d(i, j));
    if (name === 'batch-hard' && P.length && N.length) {
      const p = P.reduce((best, j) => (c(j) < c(best) ? j : best));
      const n = N.reduce((best, j) => (c(j) > c(best) ? j : best));
      out.push(`t${i},${p},${n}`);
    }
    if (name === 'semi-hard') for (const p of P) for (const n of N) if (c(p) - c(n) > 0 && c(p) - c(n) <= 0.2) out.push(`t${i},${p},${n}`);
    if (name === 'multi-similarity') {
      const minPos = Math.min(...P.map(c));
      const maxNeg = Math.max(...N.map(c));
      for (const p of P) if (c(p) - 0.1 < maxNeg) out.push(`p${i},${p}`);
      for (const n of N) if (c(n) + 0.1 > minPos) out.push(`n${i},${n}`);
    }
    if (name === 'pair-margin') {
      for (const p of P) if (sim ? d(i, p) <= 0.8 : d(i, p) >= 0.2) out.push(`p${i},${p}`);
      for (const n of N) if (sim ? d(i, n) > 0.2 : d(i, n) < 0.8) out.push(`n${i},${n}`);
    }
  }
  return out.sort();
}

/** Mine on float32 copies of the inputs, then free them. */
function mineOn(miner: Miner, emb: Mat, labels: number[], ref?: Mat, refLabels?: number[]): IndicesTuple {
  const tensors = [t2(emb), ...(ref ? [t2(ref)] : [])];
  try {
    return miner.mine(tensors[0], labels, ref ? { refEmb: tensors[1], refLabels } : {});
  } finally {
    tf.dispose(tensors);
  }
}

function tupleKeys(t: IndicesTuple): string[] {
  if (t.kind === 'triplets') return Array.from(t.a, (a, k) => `t${a},${t.p[k]},${t.n[k]}`).sort();
  return [...Array.from(t.a1, (a, k) => `p${a},${t.p[k]}`), ...Array.from(t.a2, (a, k) => `n${a},${t.n[k]}`)].sort();
}

const DISTANCE: Record<MinerName, RefDistance> = {
  'batch-hard': 'euclidean',
  'semi-hard': 'euclidean',
  'multi-similarity': 'cosine',
  'pair-margin': 'euclidean',
};

describe.each(MINER_NAMES.map((n) => [n]))('%s miner against its float64 reference', (name: MinerName) => {
  it.each([
    ['no ref', 'default'],
    ['ref', 'default'],
    ['no ref', 'flipped polarity'],
    ['ref', 'flipped polarity'],
  ])('%s, %s distance', (mode, polarity) => {
    const rng = createRng(40 + MINER_NAMES.indexOf(name));
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 3, 3];
    const input: MineInput = { emb: randMat(labels.length, 4, rng), labels };
    if (mode === 'ref') Object.assign(input, { ref: randMat(8, 4, rng), refLabels: [1, 0, 2, 2, 0, 1, 3, 0] });
    const kind: RefDistance = polarity === 'default' ? DISTANCE[name] : DISTANCE[name] === 'cosine' ? 'euclidean' : 'cosine';
    const miner = createMiner(name, { distance: kind });
    const mined = mineOn(miner, input.emb, labels, input.ref, input.refLabels);
    const expected = referenceMine(name, input, kind);
    expect(expected.length).toBeGreaterThan(0);
    expect(tupleKeys(mined)).toEqual(expected);
  });
});

describe('mined tuples drive a loss', () => {
  it('batch-hard triplets into the triplet loss match the reference on the same triplets', () => {
    const rng = createRng(3);
    const labels = [0, 0, 1, 1, 2, 2, 3, 3];
    const emb = randMat(labels.length, 4, rng);
    const tuple = mineOn(createMiner('batch-hard'), emb, labels);
    expect(tuple.kind).toBe('triplets');
    const loss = new TripletMarginLoss({ margin: 0.5 });
    const value = tf.tidy(() => loss.compute(t2(emb), null, { indicesTuple: tuple }).dataSync()[0]);
    const t = tuple.kind === 'triplets' ? tuple : null;
    const expected = triplet64({ emb, tuple: { kind: 'triplets', a: Array.from(t!.a), p: Array.from(t!.p), n: Array.from(t!.n) } }, 0.5);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-4 * expected);
  });
});
