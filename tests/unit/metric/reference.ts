/**
 * Float64 reference implementations written as explicit loops from the papers' formulas.
 * They share no code with electron/engine/metric: the tests compare the two.
 */
export type Mat = number[][];
export type RefDistance = 'cosine' | 'dot' | 'euclidean' | 'squared-euclidean';
export type Tuple = { kind: 'pairs'; a1: number[]; p: number[]; a2: number[]; n: number[] } | { kind: 'triplets'; a: number[]; p: number[]; n: number[] };

export interface RefInput {
  emb: Mat;
  labels?: number[];
  ref?: Mat;
  refLabels?: number[];
  tuple?: Tuple;
}

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const unit = (v: number[]): number[] => v.map((x) => x / Math.max(norm(v), 1e-6));
const dotp = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i], 0);
export const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
export const lse = (xs: number[]): number => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
export const meanNonZero = (xs: number[]): number => {
  const nz = xs.filter((x) => x > 0);
  return nz.length ? nz.reduce((s, x) => s + x, 0) / nz.length : 0;
};

export function dist(kind: RefDistance, a: number[], b: number[], normalize = kind !== 'dot'): number {
  const x = normalize ? unit(a) : a;
  const y = normalize ? unit(b) : b;
  if (kind === 'cosine' || kind === 'dot') return dotp(x, y);
  const sq = x.reduce((s, v, i) => s + (v - y[i]) ** 2, 0);
  return kind === 'euclidean' ? Math.sqrt(sq) : sq;
}

/** Pairs and triplets of an input, from the tuple or the labels (no self-pairs without a reference set). */
export function refPairs(input: RefInput): { pos: [number, number][]; neg: [number, number][]; triplets: [number, number, number][]; refs: Mat } {
  const refs = input.ref ?? input.emb;
  const refLabels = input.ref ? input.refLabels : input.labels;
  const t = input.tuple;
  const pos: [number, number][] = [];
  const neg: [number, number][] = [];
  const triplets: [number, number, number][] = [];
  const addUnique = (list: [number, number][], i: number, j: number): void => {
    if (!list.some(([x, y]) => x === i && y === j)) list.push([i, j]);
  };
  if (t && t.kind === 'triplets') {
    t.a.forEach((a, k) => {
      addUnique(pos, a, t.p[k]);
      addUnique(neg, a, t.n[k]);
      triplets.push([a, t.p[k], t.n[k]]);
    });
  } else if (t) {
    t.a1.forEach((a, k) => pos.push([a, t.p[k]]));
    t.a2.forEach((a, k) => neg.push([a, t.n[k]]));
  } else {
    for (let i = 0; i < input.emb.length; i++)
      for (let j = 0; j < refs.length; j++) {
        if (!input.ref && i === j) continue;
        if (input.labels![i] === refLabels![j]) pos.push([i, j]);
        else neg.push([i, j]);
      }
  }
  if (!t || t.kind === 'pairs') for (const [a, p] of pos) for (const [a2, n] of neg) if (a === a2) triplets.push([a, p, n]);
  return { pos, neg, triplets, refs };
}

function rows(input: RefInput, kind: RefDistance, normalize?: boolean) {
  const { pos, neg, triplets, refs } = refPairs(input);
  const d = (i: number, j: number): number => dist(kind, input.emb[i], refs[j], normalize);
  const posOf = (i: number): number[] => pos.filter(([a]) => a === i).map(([, j]) => j);
  const negOf = (i: number): number[] => neg.filter(([a]) => a === i).map(([, j]) => j);
  return { pos, neg, triplets, refs, d, posOf, negOf };
}

const isSim = (k: RefDistance): boolean => k === 'cosine' || k === 'dot';
/** "x worse than y" with the polarity of the distance. */
const worse = (k: RefDistance, x: number, y: number): number => (isSim(k) ? y - x : x - y);

export function contrastive64(input: RefInput, kind: RefDistance = 'euclidean', posMargin = isSim(kind) ? 1 : 0, negMargin = isSim(kind) ? 0 : 1): number {
  const r = rows(input, kind);
  const posL = r.pos.map(([i, j]) => Math.max(0, worse(kind, r.d(i, j), posMargin)));
  const negL = r.neg.map(([i, j]) => Math.max(0, worse(kind, negMargin, r.d(i, j))));
  return meanNonZero(posL) + meanNonZero(negL);
}

export function triplet64(input: RefInput, margin = 0.2, kind: RefDistance = 'euclidean'): number {
  const r = rows(input, kind);
  return meanNonZero(r.triplets.map(([a, p, n]) => Math.max(0, worse(kind, r.d(a, p), r.d(a, n)) + margin)));
}

export function lifted64(input: RefInput, posMargin = 0, negMargin = 1): number {
  const r = rows(input, 'euclidean');
  const losses = input.emb.map((_, i) => {
    const P = r.posOf(i);
    const N = r.negOf(i);
    if (!P.length || !N.length) return 0;
    return Math.max(0, lse(P.map((j) => r.d(i, j) - posMargin)) + lse(N.map((j) => negMargin - r.d(i, j))));
  });
  return mean(losses);
}

/**
 * Multi-class N-pair loss, Sohn 2016 eq. (3): N pairs {(x_i, x_i⁺)} from N distinct classes,
 * L = 1/N Σ_i log(1 + Σ_{j≠i} exp(f_iᵀf_j⁺ − f_iᵀf_i⁺)) with f the raw (unnormalised) embeddings.
 * The pairs: for each class, in the order its first positive pair appears, that pair (the class of a
 * pair is its anchor's label). Labels are required, also with a tuple.
 */
export function npairs64(input: RefInput): number {
  const { pos, refs } = refPairs(input);
  const labels = input.labels!;
  const byClass = new Map<number, [number, number]>();
  for (const [a, p] of pos) if (!byClass.has(labels[a])) byClass.set(labels[a], [a, p]);
  const N = [...byClass.values()];
  const f = (i: number): number[] => input.emb[i];
  const fPlus = (j: number): number[] => refs[j];
  let total = 0;
  for (let i = 0; i < N.length; i++) {
    const [ai, pi] = N[i];
    let sum = 0;
    for (let j = 0; j < N.length; j++) if (j !== i) sum += Math.exp(dotp(f(ai), fPlus(N[j][1])) - dotp(f(ai), fPlus(pi)));
    total += Math.log1p(sum);
  }
  return N.length ? total / N.length : 0;
}

export function multiSimilarity64(input: RefInput, alpha = 2, beta = 50, base = 0.5): number {
  const r = rows(input, 'cosine');
  return mean(
    input.emb.map((_, i) => {
      const P = r.posOf(i);
      const N = r.negOf(i);
      if (!P.length || !N.length) return 0;
      const posSum = P.reduce((s, j) => s + Math.exp(-alpha * (r.d(i, j) - base)), 0);
      const negSum = N.reduce((s, j) => s + Math.exp(beta * (r.d(i, j) - base)), 0);
      return Math.log(1 + posSum) / alpha + Math.log(1 + negSum) / beta;
    }),
  );
}

export function infonce64(input: RefInput, temperature = 0.07, symmetric = true): number {
  const r = rows(input, 'cosine');
  const z = (i: number, j: number): number => r.d(i, j) / temperature;
  const direction = (pos: [number, number][], neg: [number, number][], logit: (i: number, j: number) => number): number =>
    meanNonZero(
      pos.map(([a, p]) => {
        const N = neg.filter(([x]) => x === a).map(([, n]) => logit(a, n));
        if (!N.length) return 0;
        const num = Math.exp(logit(a, p));
        return -Math.log(num / (num + N.reduce((s, x) => s + Math.exp(x), 0)));
      }),
    );
  const q2r = direction(r.pos, r.neg, z);
  if (!input.ref || !symmetric) return q2r;
  const flip = (l: [number, number][]): [number, number][] => l.map(([a, b]) => [b, a]);
  return 0.5 * q2r + 0.5 * direction(flip(r.pos), flip(r.neg), (i, j) => z(j, i));
}

export function supcon64(input: RefInput, temperature = 0.1): number {
  const r = rows(input, 'cosine');
  const z = (i: number, j: number): number => r.d(i, j) / temperature;
  return meanNonZero(
    input.emb.map((_, i) => {
      const P = r.posOf(i);
      if (!P.length) return 0;
      const all = [...P, ...r.negOf(i)];
      const denom = lse(all.map((j) => z(i, j)));
      return -P.reduce((s, p) => s + (z(i, p) - denom), 0) / P.length;
    }),
  );
}

/** Circle loss; α_p, α_n are taken at `alphaAt` (default: the same point) since the paper treats them as constants. */
export function circle64(input: RefInput, m = 0.4, gamma = 80, alphaAt: RefInput = input): number {
  const r = rows(input, 'cosine');
  const a = rows(alphaAt, 'cosine');
  return meanNonZero(
    input.emb.map((_, i) => {
      const P = r.posOf(i);
      const N = r.negOf(i);
      if (!P.length || !N.length) return 0;
      const lp = lse(P.map((j) => -gamma * Math.max(0, 1 + m - a.d(i, j)) * (r.d(i, j) - (1 - m))));
      const ln = lse(N.map((j) => gamma * Math.max(0, a.d(i, j) + m) * (r.d(i, j) - m)));
      return softplus(lp + ln);
    }),
  );
}

export type SoftmaxKind = 'l2-softmax' | 'large-margin-softmax' | 'sphereface' | 'normface' | 'cosface' | 'arcface';

/** Rows (queries then references), their labels and tuple weights (mentions / max mentions). */
export function classRows(input: RefInput): { x: Mat; y: number[]; w: number[] } {
  const x = [...input.emb, ...(input.ref ?? [])];
  const y = [...input.labels!, ...(input.refLabels ?? [])];
  let w = x.map(() => 1);
  const t = input.tuple;
  if (t) {
    const counts = x.map(() => 0);
    const offset = input.ref ? input.emb.length : 0;
    const anchors = t.kind === 'pairs' ? [...t.a1, ...t.a2] : t.a;
    const others = t.kind === 'pairs' ? [...t.p, ...t.n] : [...t.p, ...t.n];
    anchors.forEach((i) => counts[i]++);
    others.forEach((i) => counts[offset + i]++);
    const max = Math.max(...counts);
    w = counts.map((c) => c / max);
  }
  return { x, y, w };
}

/** W is D×C (column c = class c). */
export function marginSoftmax64(kind: SoftmaxKind, input: RefInput, W: Mat, scale: number, margin: number, lambda = 0): number {
  const { x, y, w } = classRows(input);
  const C = W[0].length;
  const col = (c: number): number[] => W.map((row) => row[c]);
  const losses = x.map((xi, i) => {
    const logits: number[] = [];
    for (let c = 0; c < C; c++) {
      const wc = col(c);
      const cos = dotp(xi, wc) / (norm(xi) * norm(wc));
      const target = c === y[i];
      if (kind === 'l2-softmax') logits.push((scale * dotp(xi, wc)) / norm(xi));
      else if (kind === 'normface') logits.push(scale * cos);
      else if (kind === 'cosface') logits.push(scale * (cos - (target ? margin : 0)));
      else if (kind === 'arcface') {
        const theta = Math.acos(cos);
        const phi = cos > Math.cos(Math.PI - margin) ? Math.cos(theta + margin) : cos - margin * Math.sin(Math.PI - margin);
        logits.push(scale * (target ? phi : cos));
      } else {
        const mag = kind === 'sphereface' ? norm(xi) : norm(xi) * norm(wc);
        const theta = Math.acos(Math.min(1, Math.max(-1, cos)));
        const k = Math.min(margin - 1, Math.floor((theta * margin) / Math.PI));
        const psi = (-1) ** k * Math.cos(margin * theta) - 2 * k;
        logits.push(scale * mag * (target ? (lambda * cos + psi) / (1 + lambda) : cos));
      }
    }
    return (lse(logits) - logits[y[i]]) * w[i];
  });
  return mean(losses);
}

/** proxies is C×D. */
export function proxyAnchor64(input: RefInput, proxies: Mat, alpha = 32, delta = 0.1): number {
  const { x, y, w } = classRows(input);
  const C = proxies.length;
  let posSum = 0;
  let withPos = 0;
  let negSum = 0;
  for (let c = 0; c < C; c++) {
    const cos = (i: number): number => dotp(unit(x[i]), unit(proxies[c]));
    const P = x.map((_, i) => i).filter((i) => w[i] > 0 && y[i] === c);
    const N = x.map((_, i) => i).filter((i) => w[i] > 0 && y[i] !== c);
    if (P.length) {
      withPos++;
      posSum += Math.log(1 + P.reduce((s, i) => s + Math.exp(-alpha * (cos(i) - delta)), 0));
    }
    negSum += Math.log(1 + N.reduce((s, i) => s + Math.exp(alpha * (cos(i) + delta)), 0));
  }
  return posSum / Math.max(withPos, 1) + negSum / C;
}
