/**
 * Splice candidates: for each beat i the track could leave at, the beats j it could jump to,
 * scored by how little the cut would be heard. A cut from i to j replaces what follows i with
 * what follows j, and puts what preceded i before j; it goes unheard when both sides match:
 * the beats around i sound like the beats around j (chroma, loudness, timbre), over a context of
 * two bars each side (the structural role: a verse bar next to a verse bar), at the same bar
 * position (beat phase) and phrase position.
 */
import { TIMBRE_DIMS, type TrackGrid } from './types';

export interface SpliceCandidates {
  /** Per out-beat i: target beats j, best first. */
  targets: Int32Array[];
  /** Per out-beat i: their costs (0 = inaudible; 1 ≈ as different as neighbouring beats). */
  costs: Float32Array[];
}

export interface SpliceOptions {
  /** Candidates kept per beat and per bucket of jump distance (8 buckets each way). */
  perBeat?: number;
  /** Allow cuts that change the bar position (a dropped or added beat), at a penalty (--hits). */
  allowBarShift?: boolean;
}

/** Cost added to a cut that is not on a downbeat, one that leaves the phrase position, one that shifts the bar. */
export const OFF_DOWNBEAT = 0.25;
export const PHRASE_SHIFT = 0.2;
export const BAR_SHIFT = 1.5;

/** The median of the nonzero values, or 1. */
function medianScale(v: number[]): number {
  const s = v.filter((x) => x > 0).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 1;
}

/**
 * Descriptor distances between all beats (n × n), each term in units of the track's typical
 * change from one bar to the next (neighbouring beats differ by design: kick vs snare):
 * chroma 1 − cosine, loudness |Δ dB|, timbre Euclidean over the cepstrum; their mean.
 */
export function beatDistances(g: TrackGrid): Float32Array {
  const f = g.features;
  const n = g.beats.length;
  const m = g.beatsPerBar;
  const unit = new Float64Array(n * 12);
  const silent = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    let nn = 0;
    for (let c = 0; c < 12; c++) nn += f.chroma[k * 12 + c] ** 2;
    silent[k] = nn > 0 ? 0 : 1;
    for (let c = 0; c < 12; c++) unit[k * 12 + c] = nn > 0 ? f.chroma[k * 12 + c] / Math.sqrt(nn) : 0;
  }
  // A silent beat (no chroma) reads as no harmonic change.
  const chroma = (a: number, b: number): number => {
    if (silent[a] || silent[b]) return 0;
    let ab = 0;
    for (let c = 0; c < 12; c++) ab += unit[a * 12 + c] * unit[b * 12 + c];
    return 1 - ab;
  };
  const loud = (a: number, b: number): number => Math.abs(f.rmsDb[a] - f.rmsDb[b]);
  const timbre = (a: number, b: number): number => {
    let s = 0;
    for (let c = 0; c < TIMBRE_DIMS; c++) s += (f.timbre[a * TIMBRE_DIMS + c] - f.timbre[b * TIMBRE_DIMS + c]) ** 2;
    return Math.sqrt(s);
  };
  const pairs = Array.from({ length: Math.max(0, n - m) }, (_, k) => k);
  const sc = 1 / (3 * medianScale(pairs.map((k) => chroma(k, k + m))));
  const sl = 1 / (3 * Math.max(1, medianScale(pairs.map((k) => loud(k, k + m)))));
  const st = 1 / (3 * medianScale(pairs.map((k) => timbre(k, k + m))));
  const D = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) D[a * n + b] = D[b * n + a] = chroma(a, b) * sc + loud(a, b) * sl + timbre(a, b) * st;
  }
  return D;
}

/** Bar position of beat k (0 = downbeat) and bar index (negative before the first downbeat). */
export function barPosition(g: TrackGrid, k: number): { pos: number; bar: number } {
  const m = g.beatsPerBar;
  const r = k - g.downbeatPhase;
  return { pos: ((r % m) + m) % m, bar: Math.floor(r / m) };
}

export function isDownbeat(g: TrackGrid, k: number): boolean {
  return barPosition(g, k).pos === 0;
}

export function isPhraseStart(g: TrackGrid, k: number): boolean {
  const { pos, bar } = barPosition(g, k);
  return pos === 0 && bar > 0 && bar % g.phraseBars === 0;
}

/**
 * The audibility cost of leaving at beat i and entering at beat j, before bar/phrase penalties:
 * beats i+s against j+s over three nested windows (the beat each side, a bar each side, two
 * bars each side: the structural role), the nearest weighing most. Sums along the diagonals of
 * the distance matrix come from prefix sums, so a pair costs O(1).
 */
export class ContextCost {
  private readonly P: Float64Array;
  constructor(
    private readonly D: Float32Array,
    private readonly n: number,
    private readonly m: number,
  ) {
    // P[a][b] = D[a][b] + P[a−1][b−1]: prefix sums along each diagonal.
    const P = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) P[a * n + b] = D[a * n + b] + (a > 0 && b > 0 ? P[(a - 1) * n + b - 1] : 0);
    this.P = P;
  }

  /** Sum of D[i+s][j+s] over −half ≤ s < half, clipped to the track; the count goes to `this.count`. */
  private count = 0;
  private window(i: number, j: number, half: number): number {
    const n = this.n;
    const a = Math.max(-half, -i, -j);
    const b = Math.min(half, n - i, n - j);
    if (b <= a) {
      this.count = 0;
      return 0;
    }
    this.count = b - a;
    const end = this.P[(i + b - 1) * n + j + b - 1];
    return i + a - 1 >= 0 && j + a - 1 >= 0 ? end - this.P[(i + a - 1) * n + j + a - 1] : end;
  }

  cost(i: number, j: number): number {
    const m = this.m;
    let total = 0;
    let weights = 0;
    for (let level = 0; level < 3; level++) {
      const w = 4 >> level;
      const sum = this.window(i, j, level === 0 ? 1 : level * m);
      if (this.count === 0) continue;
      total += (w * sum) / this.count;
      weights += w;
    }
    return weights > 0 ? total / weights : Infinity;
  }
}

/**
 * The audibility cost of any splice i → j with its penalties: the planner's candidates and a
 * user's edited splices are scored alike. Leaving or entering off the bar line, shifting the bar
 * position and changing the phrase position each add their penalty.
 */
export class SpliceScorer {
  readonly D: Float32Array;
  private readonly ctx: ContextCost;
  readonly pos: Int32Array;
  private readonly phrase: Int32Array;
  private readonly n: number;

  constructor(g: TrackGrid) {
    const n = g.beats.length;
    this.n = n;
    this.D = beatDistances(g);
    this.ctx = new ContextCost(this.D, n, g.beatsPerBar);
    this.pos = Int32Array.from({ length: n }, (_, k) => barPosition(g, k).pos);
    this.phrase = Int32Array.from({ length: n }, (_, k) => {
      const bar = barPosition(g, k).bar;
      return ((bar % g.phraseBars) + g.phraseBars) % g.phraseBars;
    });
  }

  cost(i: number, j: number): number {
    const { pos, phrase, n } = this;
    let penalty = 0;
    if (pos[i] !== pos[j]) penalty += BAR_SHIFT;
    if (pos[i] !== 0 || pos[j] !== 0) penalty += OFF_DOWNBEAT;
    if (phrase[i] !== phrase[j]) penalty += PHRASE_SHIFT;
    // The junction itself as well: the beat before i is followed by j in the output.
    return 0.5 * this.ctx.cost(i, j) + (i > 0 ? 0.5 * this.D[(i - 1) * n + j] : 0.5) + penalty;
  }
}

/** Buckets of target distance per direction: candidates cover short and long jumps alike. */
const BUCKETS = 8;

/**
 * Candidates for every out-point: splices leave on a downbeat (the bar line, where an editor
 * cuts); each keeps its best `perBeat` targets per bucket of jump distance and direction.
 */
export function scoreSplices(g: TrackGrid, opts: SpliceOptions = {}, scorer = new SpliceScorer(g)): SpliceCandidates {
  const n = g.beats.length;
  const m = g.beatsPerBar;
  const perBucket = opts.perBeat ?? 4;
  const pos = scorer.pos;
  const targets: Int32Array[] = [];
  const costs: Float32Array[] = [];
  const bucketSize = Math.max(m, Math.ceil(n / BUCKETS));
  // Slots: jump-distance bucket × direction × (bar kept | bar shifted), so the dearer shifted
  // cuts (--hits) keep candidates of their own.
  const slots = 4 * (Math.ceil(n / bucketSize) + 1);
  // Best `perBucket` (j, cost) per slot, kept sorted by insertion.
  const bestJ = new Int32Array(slots * perBucket);
  const bestC = new Float64Array(slots * perBucket);
  for (let i = 0; i < n; i++) {
    if (pos[i] !== 0) {
      targets.push(new Int32Array(0));
      costs.push(new Float32Array(0));
      continue;
    }
    bestC.fill(Infinity);
    for (let j = 0; j < n; j++) {
      if (Math.abs(i - j) < m) continue;
      if (pos[j] !== 0 && !opts.allowBarShift) continue;
      const cost = scorer.cost(i, j);
      if (!Number.isFinite(cost)) continue;
      const base = (4 * Math.floor(Math.abs(j - i) / bucketSize) + (j > i ? 2 : 0) + (pos[j] !== 0 ? 1 : 0)) * perBucket;
      if (cost >= bestC[base + perBucket - 1]) continue;
      let at = base + perBucket - 1;
      while (at > base && bestC[at - 1] > cost) {
        bestC[at] = bestC[at - 1];
        bestJ[at] = bestJ[at - 1];
        at--;
      }
      bestC[at] = cost;
      bestJ[at] = j;
    }
    const kept: number[] = [];
    for (let x = 0; x < bestC.length; x++) if (Number.isFinite(bestC[x])) kept.push(x);
    kept.sort((a, b) => bestC[a] - bestC[b]);
    targets.push(Int32Array.from(kept, (x) => bestJ[x]));
    costs.push(Float32Array.from(kept, (x) => bestC[x]));
  }
  return { targets, costs };
}
