import { usageError } from '../errors';

/** Class or pair ids, one per embedding row. */
export type Labels = ArrayLike<number>;

/**
 * Positive pairs (a1[i], p[i]) and negative pairs (a2[i], n[i]).
 * Anchors index the query embeddings; p and n index the reference set (the queries themselves when there is none).
 */
export interface PairTuple {
  kind: 'pairs';
  a1: Int32Array;
  p: Int32Array;
  a2: Int32Array;
  n: Int32Array;
}

/** Triplets (a[i], p[i], n[i]), same indexing as PairTuple. */
export interface TripletTuple {
  kind: 'triplets';
  a: Int32Array;
  p: Int32Array;
  n: Int32Array;
}

export type IndicesTuple = PairTuple | TripletTuple;

export function pairTuple(a1: number[], p: number[], a2: number[], n: number[]): PairTuple {
  return { kind: 'pairs', a1: Int32Array.from(a1), p: Int32Array.from(p), a2: Int32Array.from(a2), n: Int32Array.from(n) };
}

export function tripletTuple(a: number[], p: number[], n: number[]): TripletTuple {
  return { kind: 'triplets', a: Int32Array.from(a), p: Int32Array.from(p), n: Int32Array.from(n) };
}

/**
 * All positive and negative pairs implied by labels. Without a separate reference set (`sameSet`),
 * an embedding is never paired with itself.
 */
export function allPairs(labels: Labels, refLabels: Labels, sameSet: boolean): PairTuple {
  const a1: number[] = [];
  const p: number[] = [];
  const a2: number[] = [];
  const n: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < refLabels.length; j++) {
      if (sameSet && i === j) continue;
      if (labels[i] === refLabels[j]) {
        a1.push(i);
        p.push(j);
      } else {
        a2.push(i);
        n.push(j);
      }
    }
  }
  return pairTuple(a1, p, a2, n);
}

/** All triplets implied by labels (every positive pair of an anchor with every negative of it). */
export function allTriplets(labels: Labels, refLabels: Labels, sameSet: boolean): TripletTuple {
  return toTriplets(allPairs(labels, refLabels, sameSet));
}

/** Triplets → pairs: (a,p) positives and (a,n) negatives, each distinct pair kept once. */
export function toPairs(tuple: IndicesTuple): PairTuple {
  if (tuple.kind === 'pairs') return tuple;
  const [a1, p] = uniquePairs(tuple.a, tuple.p);
  const [a2, n] = uniquePairs(tuple.a, tuple.n);
  return pairTuple(a1, p, a2, n);
}

/** Pairs → triplets: every positive pair combined with every negative pair sharing its anchor. */
export function toTriplets(tuple: IndicesTuple): TripletTuple {
  if (tuple.kind === 'triplets') return tuple;
  const negByAnchor = new Map<number, number[]>();
  for (let i = 0; i < tuple.a2.length; i++) {
    const list = negByAnchor.get(tuple.a2[i]);
    if (list) list.push(tuple.n[i]);
    else negByAnchor.set(tuple.a2[i], [tuple.n[i]]);
  }
  let count = 0;
  for (let i = 0; i < tuple.a1.length; i++) count += negByAnchor.get(tuple.a1[i])?.length ?? 0;
  const a = new Int32Array(count);
  const p = new Int32Array(count);
  const n = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < tuple.a1.length; i++) {
    for (const neg of negByAnchor.get(tuple.a1[i]) ?? []) {
      a[k] = tuple.a1[i];
      p[k] = tuple.p[i];
      n[k] = neg;
      k++;
    }
  }
  return { kind: 'triplets', a, p, n };
}

function uniquePairs(rows: Int32Array, cols: Int32Array): [number[], number[]] {
  const seen = new Set<string>();
  const r: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = `${rows[i]},${cols[i]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    r.push(rows[i]);
    c.push(cols[i]);
  }
  return [r, c];
}

/** 0/1 masks (row-major rows×cols) of the positive and negative pairs of a tuple. */
export function pairMasks(tuple: IndicesTuple, rows: number, cols: number): { pos: Float32Array; neg: Float32Array } {
  const pairs = toPairs(tuple);
  const pos = new Float32Array(rows * cols);
  const neg = new Float32Array(rows * cols);
  for (let i = 0; i < pairs.a1.length; i++) pos[pairs.a1[i] * cols + pairs.p[i]] = 1;
  for (let i = 0; i < pairs.a2.length; i++) neg[pairs.a2[i] * cols + pairs.n[i]] = 1;
  return { pos, neg };
}

/** Swap the roles of queries and references (for the reverse direction of a cross-modal loss). */
export function transposePairs(tuple: PairTuple): PairTuple {
  return { kind: 'pairs', a1: tuple.p, p: tuple.a1, a2: tuple.n, n: tuple.a2 };
}

/**
 * Per-embedding weights from a tuple (how often each embedding is mentioned, divided by the largest count),
 * so classification losses can follow a miner. Rows are the queries, then the `refs` reference rows
 * (refs = 0 when the tuple indexes the queries themselves). All ones without a tuple.
 */
export function tupleWeights(tuple: IndicesTuple | undefined, queries: number, refs: number): Float32Array {
  const w = new Float32Array(queries + refs);
  if (!tuple) return w.fill(1);
  const anchors = tuple.kind === 'pairs' ? [tuple.a1, tuple.a2] : [tuple.a];
  const others = tuple.kind === 'pairs' ? [tuple.p, tuple.n] : [tuple.p, tuple.n];
  const offset = refs > 0 ? queries : 0;
  for (const list of anchors) for (const i of list) w[i] += 1;
  for (const list of others) for (const i of list) w[offset + i] += 1;
  let max = 0;
  for (const v of w) max = Math.max(max, v);
  if (max > 0) for (let i = 0; i < w.length; i++) w[i] /= max;
  return w;
}

/** Check that every index of a tuple is in range. */
export function checkTuple(tuple: IndicesTuple, queries: number, refs: number): void {
  const anchors = tuple.kind === 'pairs' ? [tuple.a1, tuple.a2] : [tuple.a];
  const others = tuple.kind === 'pairs' ? [tuple.p, tuple.n] : [tuple.p, tuple.n];
  for (const list of anchors) for (const i of list) if (i < 0 || i >= queries) throw usageError(`indices tuple: anchor ${i} out of range 0..${queries - 1}`);
  for (const list of others) for (const i of list) if (i < 0 || i >= refs) throw usageError(`indices tuple: reference ${i} out of range 0..${refs - 1}`);
  if (tuple.kind === 'pairs' && (tuple.a1.length !== tuple.p.length || tuple.a2.length !== tuple.n.length)) throw usageError('indices tuple: pair lists differ in length');
  if (tuple.kind === 'triplets' && (tuple.a.length !== tuple.p.length || tuple.a.length !== tuple.n.length)) throw usageError('indices tuple: triplet lists differ in length');
}
