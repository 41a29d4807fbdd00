// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`, not by tsc): the per-frame
// arithmetic of stft.ts and spectral.ts, and the per-sample loops of loudness.ts and audio.ts,
// operation for operation. The features must stay bit for bit what the JS path gives (the model
// was trained on them), so: f64 throughout, every sum in the JS path's order, f64x2 lanes only
// where the JS path does the same operations independently (IEEE-exact, no fused multiply-add,
// no relaxed SIMD), and no transcendental function at all (log, exp, pow stay in JS: this Math
// is not V8's and may differ in the last bit).
//
// One instance serves one Stft, one SpectralAnalyser or one set of per-sample loops: its setup
// function lays out that instance's memory, JS fills the tables (window, twiddles, bit reversal,
// mel weights, filter coefficients) with the values its own code computed, and reads the results
// through views on `memory`.

// Sign flips by xor of the sign bit: exactly what negation (or × −1) does to an f64.
const FLIP_RE = i64x2(0x8000000000000000, 0);
const FLIP_IM = i64x2(0, 0x8000000000000000);
const FLIP_BOTH = i64x2(0x8000000000000000, 0x8000000000000000);

let top: usize = 0;

/** Bump allocation of this instance's regions (16-byte aligned), growing memory as needed. */
function alloc(bytes: i32): usize {
  if (top == 0) top = (__heap_base + 15) & ~15;
  const p = top;
  top = (top + <usize>bytes + 15) & ~15;
  const pages = <i32>((top + 0xffff) >>> 16);
  const have = memory.size();
  if (pages > have) memory.grow(pages - have);
  return p;
}

// ---------------------------------------------------------------- STFT (window, fft.js, power)

let N: i32 = 0;
let CSIZE: i32 = 0;
let WIDTH: i32 = 0;
let SCALE: f64 = 0;
let IN: usize = 0;
let WIN: usize = 0;
let TABLE: usize = 0;
let TW: usize = 0;
let BITREV: usize = 0;
let FRAME: usize = 0;
let OUT: usize = 0;
let POWER: usize = 0;

/** Lay out an STFT of `n` points (a power of two ≥ 8); `width` and `scale` as fft.js and stft.ts compute them. */
export function stftSetup(n: i32, width: i32, scale: f64): void {
  N = n;
  CSIZE = n << 1;
  WIDTH = width;
  SCALE = scale;
  IN = alloc(n << 2);
  WIN = alloc(n << 3);
  TABLE = alloc(n << 4);
  TW = alloc(n << 5);
  BITREV = alloc((1 << width) << 2);
  FRAME = alloc(n << 3);
  OUT = alloc(n << 4);
  POWER = alloc(((n >> 1) + 1) << 3);
}

export function stftInput(): usize { return IN; }
export function stftWindow(): usize { return WIN; }
export function stftTable(): usize { return TABLE; }
export function stftBitrev(): usize { return BITREV; }
export function stftPower(): usize { return POWER; }

/**
 * After JS filled TABLE (fft.js's cos/−sin pairs): each twiddle (tr, ti) as the two vectors a
 * complex product needs, (tr, tr) and (−ti, ti). Copies and negations only: exact.
 */
export function stftPrepare(): void {
  for (let k = 0; k < CSIZE; k += 2) {
    const tr = load<f64>(TABLE + (<usize>k << 3));
    const ti = load<f64>(TABLE + (<usize>k << 3) + 8);
    v128.store(TW + (<usize>k << 4), f64x2(tr, tr));
    v128.store(TW + (<usize>k << 4) + 16, f64x2(-ti, ti));
  }
}

/** (br, bi) × table[k] as fft.js: (br·tr − bi·ti, br·ti + bi·tr); x + (−y) is x − y exactly. Inlined by -O3. */
function cmul(tw: usize, b: v128, k: i32): v128 {
  const t = tw + (<usize>k << 4);
  return f64x2.add(f64x2.mul(b, v128.load(t)), f64x2.mul(f64x2.shuffle(b, b, 1, 0), v128.load(t, 16)));
}

/** Window the n samples at IN, real FFT (fft.js's _realTransform4, same operations in the same order), power into POWER. */
export function stftFrame(): void {
  const n = N;
  for (let i = 0; i < n; i += 4) {
    const x = v128.load(IN + (<usize>i << 2));
    const w = WIN + (<usize>i << 3);
    const f = FRAME + (<usize>i << 3);
    v128.store(f, f64x2.mul(f64x2.promote_low_f32x4(x), v128.load(w)));
    v128.store(f, f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)), v128.load(w, 16)), 16);
  }
  realTransform4();
  const bins = (n >> 1) + 1;
  const scale = f64x2.splat(SCALE);
  let k = 0;
  for (; k + 1 < bins; k += 2) {
    const a = v128.load(OUT + (<usize>k << 4));
    const b = v128.load(OUT + (<usize>k << 4), 16);
    const aa = f64x2.mul(a, a);
    const bb = f64x2.mul(b, b);
    v128.store(POWER + (<usize>k << 3), f64x2.mul(f64x2.add(f64x2.shuffle(aa, bb, 0, 2), f64x2.shuffle(aa, bb, 1, 3)), scale));
  }
  for (; k < bins; k++) {
    const re = load<f64>(OUT + (<usize>k << 4));
    const im = load<f64>(OUT + (<usize>k << 4) + 8);
    store<f64>(POWER + (<usize>k << 3), (re * re + im * im) * SCALE);
  }
}

function realTransform4(): void {
  const size = CSIZE;
  const out = OUT;
  const tw = TW;
  let step = 1 << WIDTH;
  let len = (size / step) << 1;
  let t = 0;
  const s = step >>> 1;
  if (len == 4) {
    for (let outOff = 0; outOff < size; outOff += len, t++) {
      const off = load<i32>(BITREV + (<usize>t << 2)) >>> 1;
      const even = load<f64>(FRAME + (<usize>off << 3));
      const odd = load<f64>(FRAME + (<usize>(off + s) << 3));
      const o = OUT + (<usize>outOff << 3);
      store<f64>(o, even + odd);
      store<f64>(o, 0, 8);
      store<f64>(o, even - odd, 16);
      store<f64>(o, 0, 24);
    }
  } else {
    for (let outOff = 0; outOff < size; outOff += len, t++) {
      const off = load<i32>(BITREV + (<usize>t << 2)) >>> 1;
      const ar = load<f64>(FRAME + (<usize>off << 3));
      const br = load<f64>(FRAME + (<usize>(off + s) << 3));
      const cr = load<f64>(FRAME + (<usize>(off + 2 * s) << 3));
      const dr = load<f64>(FRAME + (<usize>(off + 3 * s) << 3));
      const t0r = ar + cr;
      const t1r = ar - cr;
      const t2r = br + dr;
      const t3r = br - dr;
      const o = OUT + (<usize>outOff << 3);
      store<f64>(o, t0r + t2r);
      store<f64>(o, 0, 8);
      store<f64>(o, t1r, 16);
      store<f64>(o, -t3r, 24);
      store<f64>(o, t0r - t2r, 32);
      store<f64>(o, 0, 40);
      store<f64>(o, t1r, 48);
      store<f64>(o, t3r, 56);
    }
  }
  for (step >>= 2; step >= 2; step >>= 2) {
    len = (size / step) << 1;
    const halfLen = len >>> 1;
    const quarterLen = halfLen >>> 1;
    const hquarterLen = quarterLen >>> 1;
    for (let outOff = 0; outOff < size; outOff += len) {
      for (let i = 0, k = 0; i <= hquarterLen; i += 2, k += step) {
        const pa = out + (<usize>(outOff + i) << 3);
        const pb = pa + (<usize>quarterLen << 3);
        const pc = pb + (<usize>quarterLen << 3);
        const pd = pc + (<usize>quarterLen << 3);
        const a = v128.load(pa);
        const mb = cmul(tw, v128.load(pb), k);
        const mc = cmul(tw, v128.load(pc), 2 * k);
        const md = cmul(tw, v128.load(pd), 3 * k);
        const t0 = f64x2.add(a, mc);
        const t1 = f64x2.sub(a, mc);
        const t2 = f64x2.add(mb, md);
        const t3 = f64x2.sub(mb, md);
        // FB = (T1r + T3i, T1i − T3r)
        const t3s = f64x2.shuffle(t3, t3, 1, 0);
        v128.store(pa, f64x2.add(t0, t2));
        v128.store(pb, f64x2.add(t1, v128.xor(t3s, FLIP_IM)));
        if (i == 0) {
          v128.store(pc, f64x2.sub(t0, t2));
          continue;
        }
        if (i == hquarterLen) continue;
        // The flipped half: SFA = (T1r + (−T3i), (−T1i) + (−T3r)), SFB = (T0r + (−T2r), (−T0i) − (−T2i)).
        const sa = out + (<usize>(outOff + quarterLen - i) << 3);
        const sb = out + (<usize>(outOff + halfLen - i) << 3);
        v128.store(sa, f64x2.add(v128.xor(t1, FLIP_IM), v128.xor(t3s, FLIP_BOTH)));
        v128.store(sb, f64x2.add(v128.xor(t0, FLIP_IM), v128.xor(t2, FLIP_RE)));
      }
    }
  }
}

// ---------------------------------------------------------------- spectral sums (spectral.ts)

let BINS: i32 = 0;
let BANDS: i32 = 0;
let SP_POWER: usize = 0;
let MAG: usize = 0;
let CUM: usize = 0;
let BAND_FIRST: usize = 0;
let BAND_LEN: usize = 0;
let BAND_W: usize = 0;
let ENERGY: usize = 0;
let PEAKS: usize = 0;
let RESULT: usize = 0;

/** Lay out the sums of a SpectralAnalyser: `bins` power bins, `bands` mel bands holding `weights` weights in all. */
export function spectralSetup(bins: i32, bands: i32, weights: i32): void {
  BINS = bins;
  BANDS = bands;
  SP_POWER = alloc(bins << 3);
  MAG = alloc(bins << 3);
  CUM = alloc(bins << 3);
  BAND_FIRST = alloc(bands << 2);
  BAND_LEN = alloc(bands << 2);
  BAND_W = alloc(weights << 3);
  ENERGY = alloc(bands << 3);
  PEAKS = alloc(bins << 2);
  RESULT = alloc(8 << 3);
}

export function spectralPower(): usize { return SP_POWER; }
export function spectralMag(): usize { return MAG; }
export function spectralBandFirst(): usize { return BAND_FIRST; }
export function spectralBandLen(): usize { return BAND_LEN; }
export function spectralBandWeights(): usize { return BAND_W; }
export function spectralEnergy(): usize { return ENERGY; }
export function spectralPeaks(): usize { return PEAKS; }
export function spectralResult(): usize { return RESULT; }

/**
 * spectral.ts's loops without their logs: magnitudes and the total / magnitude / bin-weighted
 * sums, each band's energy, and, unless the frame is silent, the roll-off bin and the chroma
 * peak candidates. RESULT: [total, magSum, weighted, rolloff bin, peak count].
 */
export function spectralSums(silentPower: f64, rolloff: f64, chromaLo: i32, chromaHi: i32, peakFloor: f64): void {
  const n = BINS;
  let total: f64 = 0;
  let magSum: f64 = 0;
  let weighted: f64 = 0;
  let k = 0;
  // CUM[k]: magSum after bin k, the very sums the roll-off loop accumulates (same order, from 0).
  for (; k + 1 < n; k += 2) {
    const p = v128.load(SP_POWER + (<usize>k << 3));
    const m = f64x2.sqrt(p);
    v128.store(MAG + (<usize>k << 3), m);
    const m0 = f64x2.extract_lane(m, 0);
    const m1 = f64x2.extract_lane(m, 1);
    total += f64x2.extract_lane(p, 0);
    total += f64x2.extract_lane(p, 1);
    magSum += m0;
    store<f64>(CUM + (<usize>k << 3), magSum);
    magSum += m1;
    store<f64>(CUM + (<usize>k << 3), magSum, 8);
    weighted += m0 * <f64>k;
    weighted += m1 * <f64>(k + 1);
  }
  for (; k < n; k++) {
    const p = load<f64>(SP_POWER + (<usize>k << 3));
    const m = Math.sqrt(p);
    store<f64>(MAG + (<usize>k << 3), m);
    total += p;
    magSum += m;
    store<f64>(CUM + (<usize>k << 3), magSum);
    weighted += m * <f64>k;
  }
  bandEnergies();
  store<f64>(RESULT, total);
  store<f64>(RESULT, magSum, 8);
  store<f64>(RESULT, weighted, 16);
  store<f64>(RESULT, 0, 24);
  store<f64>(RESULT, 0, 32);
  if (total < silentPower) return;
  store<f64>(RESULT, <f64>rolloffBin(rolloff * magSum), 24);
  store<f64>(RESULT, <f64>chromaPeaks(chromaLo, chromaHi, peakFloor), 32);
}

/** Each band's Σ weight·power in bin order; two bands at a time so their two sums overlap in time. */
function bandEnergies(): void {
  let w = BAND_W;
  let b = 0;
  for (; b + 1 < BANDS; b += 2) {
    const fa = SP_POWER + (<usize>load<i32>(BAND_FIRST + (<usize>b << 2)) << 3);
    const fb = SP_POWER + (<usize>load<i32>(BAND_FIRST + (<usize>b << 2), 4) << 3);
    const la = load<i32>(BAND_LEN + (<usize>b << 2));
    const lb = load<i32>(BAND_LEN + (<usize>b << 2), 4);
    const wb = w + (<usize>la << 3);
    const both = la < lb ? la : lb;
    let ea: f64 = 0;
    let eb: f64 = 0;
    let i = 0;
    for (; i < both; i++) {
      ea += load<f64>(w + (<usize>i << 3)) * load<f64>(fa + (<usize>i << 3));
      eb += load<f64>(wb + (<usize>i << 3)) * load<f64>(fb + (<usize>i << 3));
    }
    for (let j = i; j < la; j++) ea += load<f64>(w + (<usize>j << 3)) * load<f64>(fa + (<usize>j << 3));
    for (let j = i; j < lb; j++) eb += load<f64>(wb + (<usize>j << 3)) * load<f64>(fb + (<usize>j << 3));
    store<f64>(ENERGY + (<usize>b << 3), ea);
    store<f64>(ENERGY + (<usize>b << 3), eb, 8);
    w = wb + (<usize>lb << 3);
  }
  for (; b < BANDS; b++) {
    const first = SP_POWER + (<usize>load<i32>(BAND_FIRST + (<usize>b << 2)) << 3);
    const len = load<i32>(BAND_LEN + (<usize>b << 2));
    let e: f64 = 0;
    for (let i = 0; i < len; i++) e += load<f64>(w + (<usize>i << 3)) * load<f64>(first + (<usize>i << 3));
    store<f64>(ENERGY + (<usize>b << 3), e);
    w += <usize>len << 3;
  }
}

/**
 * spectral.ts's roll-off loop (the first bin k < n − 1 whose running magnitude sum reaches the
 * target, else n − 1) as a binary search over CUM, which holds those running sums: magnitudes are
 * ≥ 0, so they never decrease. A NaN target is never reached, as in the loop.
 */
function rolloffBin(target: f64): i32 {
  const last = BINS - 1;
  if (target != target) return last;
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(CUM + (<usize>mid << 3)) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The local maxima of MAG[lo..hi] above `peakFloor` × their largest, written to PEAKS; returns
 * how many. Branch-free in pairs of bins, with spectral.ts's exact tests (a NaN is kept, as there).
 */
function chromaPeaks(lo: i32, hi: i32, peakFloor: f64): i32 {
  // `if (m > max) max = m` is pmax(max, m); the largest does not depend on the order.
  let mx = f64x2.splat(0);
  let q = lo;
  for (; q + 1 <= hi; q += 2) mx = f64x2.pmax(mx, v128.load(MAG + (<usize>q << 3)));
  const m0 = f64x2.extract_lane(mx, 0);
  const m1 = f64x2.extract_lane(mx, 1);
  let max: f64 = m1 > m0 ? m1 : m0;
  for (; q <= hi; q++) {
    const m = load<f64>(MAG + (<usize>q << 3));
    if (m > max) max = m;
  }
  const floor = max * peakFloor;
  const floors = f64x2.splat(floor);
  let count = 0;
  q = lo;
  for (; q + 1 <= hi; q += 2) {
    const at = MAG + (<usize>q << 3);
    const b = v128.load(at);
    const skip = v128.or(v128.or(f64x2.le(b, floors), f64x2.le(b, v128.load(at - 8))), f64x2.lt(b, v128.load(at, 8)));
    const bits = i64x2.bitmask(skip);
    store<i32>(PEAKS + (<usize>count << 2), q);
    count += 1 - (bits & 1);
    store<i32>(PEAKS + (<usize>count << 2), q + 1);
    count += 1 - ((bits >> 1) & 1);
  }
  for (; q <= hi; q++) {
    const at = MAG + (<usize>q << 3);
    const b = load<f64>(at);
    if (b <= floor || b <= load<f64>(at - 8) || b < load<f64>(at, 8)) continue;
    store<i32>(PEAKS + (<usize>count << 2), q);
    count++;
  }
  return count;
}

// ---------------------------------------------------------------- per-sample loops (loudness.ts, audio.ts)

/** Samples JS copies in per call: callers split longer inputs (the sums carry over, in order). */
const PIECE: i32 = 16384;
let SAMPLES: usize = 0;
/** Loudness: 10 biquad coefficients, then the state x1 x2 y1 y2 w1 w2, the sub-block sum and count. */
let LOUD: usize = 0;
/** Mean squares of the sub-blocks one loudnessPush completed (at most PIECE / sub + 1). */
let BLOCKS: usize = 0;

/** Lay out the per-sample loops' input (PIECE f32 samples) and the loudness state and output. */
export function samplesSetup(): void {
  SAMPLES = alloc(PIECE << 2);
  LOUD = alloc(18 << 3);
  BLOCKS = alloc((PIECE + 1) << 3);
}

export function samplesInput(): usize { return SAMPLES; }
export function samplesPiece(): i32 { return PIECE; }
export function loudnessState(): usize { return LOUD; }
export function loudnessBlocks(): usize { return BLOCKS; }

/** ss + Σ x² over the first n input samples, added in sample order as audio.ts's step sums. */
export function sumSquares(n: i32, ss: f64): f64 {
  for (let t = 0; t < n; t++) {
    const v = <f64>load<f32>(SAMPLES + (<usize>t << 2));
    ss += v * v;
  }
  return ss;
}

/**
 * loudness.ts's push over the first n input samples: the two K-weighting biquads (direct form I,
 * each expression in the JS order) and the mean square of every completed `sub`-sample block,
 * written to BLOCKS. Returns how many blocks were completed.
 */
export function loudnessPush(n: i32, sub: i32): i32 {
  const s = LOUD;
  const p0 = load<f64>(s), p1 = load<f64>(s, 8), p2 = load<f64>(s, 16), pa1 = load<f64>(s, 24), pa2 = load<f64>(s, 32);
  const q0 = load<f64>(s, 40), q1 = load<f64>(s, 48), q2 = load<f64>(s, 56), qa1 = load<f64>(s, 64), qa2 = load<f64>(s, 72);
  let x1 = load<f64>(s, 80), x2 = load<f64>(s, 88), y1 = load<f64>(s, 96), y2 = load<f64>(s, 104), w1 = load<f64>(s, 112), w2 = load<f64>(s, 120);
  let acc = load<f64>(s, 128);
  let count = <i32>load<f64>(s, 136);
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(SAMPLES + (<usize>i << 2));
    const y = p0 * v + p1 * x1 + p2 * x2 - pa1 * y1 - pa2 * y2;
    x2 = x1;
    x1 = v;
    const w = q0 * y + q1 * y1 + q2 * y2 - qa1 * w1 - qa2 * w2;
    y2 = y1;
    y1 = y;
    w2 = w1;
    w1 = w;
    acc += w * w;
    if (++count == sub) {
      store<f64>(BLOCKS + (<usize>blocks << 3), acc / <f64>sub);
      blocks++;
      acc = 0;
      count = 0;
    }
  }
  store<f64>(s, x1, 80);
  store<f64>(s, x2, 88);
  store<f64>(s, y1, 96);
  store<f64>(s, y2, 104);
  store<f64>(s, w1, 112);
  store<f64>(s, w2, 120);
  store<f64>(s, acc, 128);
  store<f64>(s, <f64>count, 136);
  return blocks;
}
