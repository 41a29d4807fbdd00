// AssemblyScript (compiled to WebAssembly by `npm run build:wasm`, not by tsc): the per-frame
// arithmetic of stft.ts and spectral.ts, and the per-sample loops of loudness.ts and audio.ts.
// f64 throughout, no fused multiply-add, no relaxed SIMD. The per-sample loops are the JS path's
// operations in the JS order (bit for bit the same); the spectral sums add in lanes (within a
// relative ~1e-15 of the JS path's single chains, the magnitudes identical); the STFT's real FFT
// is its own (a half-size complex FFT, below), within a relative 1e-12 of fft.js's spectrum on
// the bins that carry the frame's energy (docs/catalog.md states the tolerance per descriptor).
// No transcendental function runs per frame (log, exp, pow stay in JS); the FFT's twiddles are
// computed once, at setup, by this runtime's Math.
//
// One instance serves one Stft, one SpectralAnalyser or one set of per-sample loops: its setup
// function lays out that instance's memory, JS fills the tables (window, mel weights, filter
// coefficients) with the values its own code computed, and reads the results through views on
// `memory`.

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

// ---------------------------------------------------------------- STFT (window, real FFT, power)
//
// The real FFT of N windowed samples as a complex FFT of M = N/2 points (z[n] = x[2n] + i·x[2n+1])
// and the split step that separates the even and odd samples' spectra. The complex FFT is a
// radix-4 decimation in time (one radix-2 stage last when log2 M is odd) on split arrays RE/IM,
// two butterflies per f64x2. Not fft.js's order of operations: the spectra differ from the JS
// path's in their last bits (tests/integration/features/frame-kernel.test.ts holds the tolerance).

let M: i32 = 0;
let SCALE: f64 = 0;
let IN: usize = 0;
let WIN: usize = 0;
let RE: usize = 0;
let IM: usize = 0;
/** POS[n]: where z[n] goes so that the stages leave the spectrum in natural order. */
let POS: usize = 0;
/** Per stage with q ≥ 2, six runs of q: w^j, w^2j, w^3j (w = e^(−2πi/4q)), real parts then imaginary. */
let TW: usize = 0;
/** The split step's W^k = e^(−2πik/N), k = 0…M: real parts, then imaginary parts. */
let SR: usize = 0;
let SI: usize = 0;
let POWER: usize = 0;

/** log2 of a power of two. */
function log2i(x: i32): i32 {
  return 31 - clz<i32>(x);
}

/** Digit reversal for this FFT: radix 2 at a level whose size has an odd log2 (the outermost only), else 4. */
function position(n: i32, size: i32): i32 {
  let p = 0;
  let s = size;
  while (s > 1) {
    const r = (log2i(s) & 1) != 0 ? 2 : 4;
    s /= r;
    p += (n % r) * s;
    n /= r;
  }
  return p;
}

/** Lay out an STFT of `n` points (a power of two ≥ 8); `scale` as stft.ts computes it. JS then fills the window. */
export function stftSetup(n: i32, scale: f64): void {
  M = n >> 1;
  SCALE = scale;
  IN = alloc(n << 2);
  WIN = alloc(n << 3);
  RE = alloc(M << 3);
  IM = alloc(M << 3);
  POS = alloc(M << 2);
  for (let i = 0; i < M; i++) store<i32>(POS + (<usize>i << 2), position(i, M));
  // Twiddles of the radix-4 stages with q = 4, 16, … (q = 1 needs none): 6q values each.
  let words = 0;
  for (let q = 4; 4 * q <= M; q <<= 2) words += 6 * q;
  TW = alloc(words << 3);
  let at = TW;
  for (let q = 4; 4 * q <= M; q <<= 2) {
    for (let j = 0; j < q; j++) {
      for (let m = 1; m <= 3; m++) {
        const a = (-2 * Math.PI * <f64>(m * j)) / <f64>(4 * q);
        store<f64>(at + (<usize>((2 * m - 2) * q + j) << 3), Math.cos(a));
        store<f64>(at + (<usize>((2 * m - 1) * q + j) << 3), Math.sin(a));
      }
    }
    at += <usize>(6 * q) << 3;
  }
  SR = alloc((M + 2) << 3);
  SI = alloc((M + 2) << 3);
  for (let k = 0; k <= M; k++) {
    const a = (-2 * Math.PI * <f64>k) / <f64>n;
    store<f64>(SR + (<usize>k << 3), Math.cos(a));
    store<f64>(SI + (<usize>k << 3), Math.sin(a));
  }
  POWER = alloc((M + 2) << 3);
}

export function stftInput(): usize { return IN; }
export function stftWindow(): usize { return WIN; }
export function stftPower(): usize { return POWER; }

/** Window the n samples at IN, real FFT, power (|X|² × scale) of bins 0…N/2 into POWER. */
export function stftFrame(): void {
  if ((log2i(M) & 1) == 0) packFirstStage();
  else {
    pack();
    firstStage();
  }
  let tw = TW;
  let q = 4;
  for (; 4 * q <= M; q <<= 2) {
    radix4(q, tw);
    tw += <usize>(6 * q) << 3;
  }
  if (q < M) radix2(q);
  split();
}

const FLIP_IM = i64x2(0, 0x8000000000000000);

/** z[n] = (x[2n]·w[2n], x[2n+1]·w[2n+1]), windowed from IN. */
function windowed(n: i32): v128 {
  return f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(IN + (<usize>n << 3))), v128.load(WIN + (<usize>n << 4)));
}

/**
 * Packing and the radix-4 stage of q = 1 in one pass, when every level is radix 4: the block at
 * POS[n] takes z[n], z[n + M/4], z[n + M/2], z[n + 3M/4] (the top base-4 digit of an index is
 * the bottom one of its position), read in order instead of scattered and read back.
 */
function packFirstStage(): void {
  const q = M >> 2;
  for (let n = 0; n < q; n++) {
    const a = windowed(n);
    const b = windowed(n + q);
    const c = windowed(n + 2 * q);
    const d = windowed(n + 3 * q);
    const t0 = f64x2.add(a, c);
    const t1 = f64x2.sub(a, c);
    const t2 = f64x2.add(b, d);
    const t3 = f64x2.sub(b, d);
    // −i·t3 = (t3i, −t3r)
    const it3 = v128.xor(f64x2.shuffle(t3, t3, 1, 0), FLIP_IM);
    const x0 = f64x2.add(t0, t2);
    const x1 = f64x2.add(t1, it3);
    const x2 = f64x2.sub(t0, t2);
    const x3 = f64x2.sub(t1, it3);
    const p = <usize>load<i32>(POS + (<usize>n << 2)) << 3;
    v128.store(RE + p, f64x2.shuffle(x0, x1, 0, 2));
    v128.store(RE + p, f64x2.shuffle(x2, x3, 0, 2), 16);
    v128.store(IM + p, f64x2.shuffle(x0, x1, 1, 3));
    v128.store(IM + p, f64x2.shuffle(x2, x3, 1, 3), 16);
  }
}

/** Pack z[n] into its place (the general case: a radix-2 level among the radix-4 ones). */
function pack(): void {
  const m = M;
  for (let i = 0; i < m; i += 2) {
    const x = v128.load(IN + (<usize>i << 3));
    const w = WIN + (<usize>i << 4);
    const z0 = f64x2.mul(f64x2.promote_low_f32x4(x), v128.load(w));
    const z1 = f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)), v128.load(w, 16));
    const p0 = <usize>load<i32>(POS + (<usize>i << 2)) << 3;
    const p1 = <usize>load<i32>(POS + (<usize>i << 2), 4) << 3;
    store<f64>(RE + p0, f64x2.extract_lane(z0, 0));
    store<f64>(IM + p0, f64x2.extract_lane(z0, 1));
    store<f64>(RE + p1, f64x2.extract_lane(z1, 0));
    store<f64>(IM + p1, f64x2.extract_lane(z1, 1));
  }
}

/** The radix-4 stage of q = 1: blocks of four, no twiddles. */
function firstStage(): void {
  for (let b = 0; b < M; b += 4) {
    const r = RE + (<usize>b << 3);
    const i = IM + (<usize>b << 3);
    const ar = load<f64>(r), br = load<f64>(r, 8), cr = load<f64>(r, 16), dr = load<f64>(r, 24);
    const ai = load<f64>(i), bi = load<f64>(i, 8), ci = load<f64>(i, 16), di = load<f64>(i, 24);
    const t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
    const t2r = br + dr, t2i = bi + di, t3r = br - dr, t3i = bi - di;
    store<f64>(r, t0r + t2r);
    store<f64>(i, t0i + t2i);
    store<f64>(r, t0r - t2r, 16);
    store<f64>(i, t0i - t2i, 16);
    // X1 = t1 − i·t3, X3 = t1 + i·t3
    store<f64>(r, t1r + t3i, 8);
    store<f64>(i, t1i - t3r, 8);
    store<f64>(r, t1r - t3i, 24);
    store<f64>(i, t1i + t3r, 24);
  }
}

/** One radix-4 stage (sub-transforms of q points, q ≥ 4) with its twiddles at `tw`; two butterflies per vector. */
function radix4(q: i32, tw: usize): void {
  const qb = <usize>q << 3;
  for (let b = 0; b < M; b += 4 * q) {
    for (let j = 0; j < q; j += 2) {
      const o = <usize>(b + j) << 3;
      const jo = <usize>j << 3;
      const ra = RE + o, ia = IM + o;
      const ar = v128.load(ra), ai = v128.load(ia);
      const xbr = v128.load(ra + qb), xbi = v128.load(ia + qb);
      const xcr = v128.load(ra + 2 * qb), xci = v128.load(ia + 2 * qb);
      const xdr = v128.load(ra + 3 * qb), xdi = v128.load(ia + 3 * qb);
      const w1r = v128.load(tw + jo), w1i = v128.load(tw + qb + jo);
      const w2r = v128.load(tw + 2 * qb + jo), w2i = v128.load(tw + 3 * qb + jo);
      const w3r = v128.load(tw + 4 * qb + jo), w3i = v128.load(tw + 5 * qb + jo);
      const br = f64x2.sub(f64x2.mul(xbr, w1r), f64x2.mul(xbi, w1i));
      const bi = f64x2.add(f64x2.mul(xbr, w1i), f64x2.mul(xbi, w1r));
      const cr = f64x2.sub(f64x2.mul(xcr, w2r), f64x2.mul(xci, w2i));
      const ci = f64x2.add(f64x2.mul(xcr, w2i), f64x2.mul(xci, w2r));
      const dr = f64x2.sub(f64x2.mul(xdr, w3r), f64x2.mul(xdi, w3i));
      const di = f64x2.add(f64x2.mul(xdr, w3i), f64x2.mul(xdi, w3r));
      const t0r = f64x2.add(ar, cr), t0i = f64x2.add(ai, ci);
      const t1r = f64x2.sub(ar, cr), t1i = f64x2.sub(ai, ci);
      const t2r = f64x2.add(br, dr), t2i = f64x2.add(bi, di);
      const t3r = f64x2.sub(br, dr), t3i = f64x2.sub(bi, di);
      v128.store(ra, f64x2.add(t0r, t2r));
      v128.store(ia, f64x2.add(t0i, t2i));
      v128.store(ra + qb, f64x2.add(t1r, t3i));
      v128.store(ia + qb, f64x2.sub(t1i, t3r));
      v128.store(ra + 2 * qb, f64x2.sub(t0r, t2r));
      v128.store(ia + 2 * qb, f64x2.sub(t0i, t2i));
      v128.store(ra + 3 * qb, f64x2.sub(t1r, t3i));
      v128.store(ia + 3 * qb, f64x2.add(t1i, t3r));
    }
  }
}

/** The last stage when log2 M is odd: two sub-transforms of q = M/2 points, twiddles W^(2j) = e^(−2πij/M) from the split table. */
function radix2(q: i32): void {
  const qb = <usize>q << 3;
  for (let j = 0; j < q; j += 2) {
    const o = <usize>j << 3;
    const ar = v128.load(RE + o), ai = v128.load(IM + o);
    const xr = v128.load(RE + o + qb), xi = v128.load(IM + o + qb);
    // W^(2j) and W^(2j+2): every other entry of the split table.
    const t = <usize>(2 * j) << 3;
    const wr = f64x2(load<f64>(SR + t), load<f64>(SR + t, 16));
    const wi = f64x2(load<f64>(SI + t), load<f64>(SI + t, 16));
    const br = f64x2.sub(f64x2.mul(xr, wr), f64x2.mul(xi, wi));
    const bi = f64x2.add(f64x2.mul(xr, wi), f64x2.mul(xi, wr));
    v128.store(RE + o, f64x2.add(ar, br));
    v128.store(IM + o, f64x2.add(ai, bi));
    v128.store(RE + o + qb, f64x2.sub(ar, br));
    v128.store(IM + o + qb, f64x2.sub(ai, bi));
  }
}

/**
 * The split step: with Z = the complex FFT and Z' = conj(Z[M − k]), the even samples' spectrum is
 * (Z + Z')/2 and the odd ones' (Z − Z')/2i, so 2X[k] = (a + c) + W^k·(b + d) … written out below
 * for Z[k] = a + ib, Z[M − k] = c + id; power = |2X|² · scale/4.
 */
function split(): void {
  const m = M;
  const quarter = SCALE * 0.25;
  const sc = f64x2.splat(quarter);
  // k = 0 and k = M: Z[M] is Z[0], W^0 = 1, W^M = −1.
  const a0 = load<f64>(RE), b0 = load<f64>(IM);
  store<f64>(POWER, (a0 + b0) * (a0 + b0) * SCALE);
  store<f64>(POWER + (<usize>m << 3), (a0 - b0) * (a0 - b0) * SCALE);
  let k = 1;
  for (; k + 1 < m; k += 2) {
    const o = <usize>k << 3;
    const a = v128.load(RE + o);
    const b = v128.load(IM + o);
    // Z[M − k] and Z[M − k − 1], in lane order k, k + 1.
    const mo = <usize>(m - k - 1) << 3;
    const cr = v128.load(RE + mo);
    const dr = v128.load(IM + mo);
    const c = f64x2.shuffle(cr, cr, 1, 0);
    const d = f64x2.shuffle(dr, dr, 1, 0);
    const wr = v128.load(SR + o);
    const wi = v128.load(SI + o);
    const er = f64x2.add(a, c);
    const ei = f64x2.sub(b, d);
    const or = f64x2.add(b, d);
    const oi = f64x2.sub(c, a);
    const xr = f64x2.add(er, f64x2.sub(f64x2.mul(wr, or), f64x2.mul(wi, oi)));
    const xi = f64x2.add(ei, f64x2.add(f64x2.mul(wr, oi), f64x2.mul(wi, or)));
    v128.store(POWER + o, f64x2.mul(f64x2.add(f64x2.mul(xr, xr), f64x2.mul(xi, xi)), sc));
  }
  for (; k < m; k++) {
    const o = <usize>k << 3;
    const a = load<f64>(RE + o), b = load<f64>(IM + o);
    const c = load<f64>(RE + (<usize>(m - k) << 3)), d = load<f64>(IM + (<usize>(m - k) << 3));
    const wr = load<f64>(SR + o), wi = load<f64>(SI + o);
    const or = b + d, oi = c - a;
    const xr = a + c + (wr * or - wi * oi);
    const xi = b - d + (wr * oi + wi * or);
    store<f64>(POWER + o, (xr * xr + xi * xi) * quarter);
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
 *
 * The sums run in lanes (four partial sums each, added at the end) instead of the JS path's one
 * chain per sum, whose add latency bound the loop: the same values within a relative ~1e-15
 * (docs/catalog.md, "features within a stated tolerance"). The magnitudes are the JS path's.
 */
export function spectralSums(silentPower: f64, rolloff: f64, chromaLo: i32, chromaHi: i32, peakFloor: f64): void {
  const n = BINS;
  let t0 = f64x2.splat(0);
  let t1 = f64x2.splat(0);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let w0 = f64x2.splat(0);
  let w1 = f64x2.splat(0);
  let k0 = f64x2(0, 1);
  let k1 = f64x2(2, 3);
  const four = f64x2.splat(4);
  let k = 0;
  let block = 0;
  // Blocks of ROLLOFF_BLOCK (4) bins; CUM[b]: the magnitude sum of block b, for the roll-off search.
  for (; k + 4 <= n; k += 4) {
    const at = <usize>k << 3;
    const p0 = v128.load(SP_POWER + at);
    const p1 = v128.load(SP_POWER + at, 16);
    const m0 = f64x2.sqrt(p0);
    const m1 = f64x2.sqrt(p1);
    v128.store(MAG + at, m0);
    v128.store(MAG + at, m1, 16);
    t0 = f64x2.add(t0, p0);
    t1 = f64x2.add(t1, p1);
    s0 = f64x2.add(s0, m0);
    s1 = f64x2.add(s1, m1);
    w0 = f64x2.add(w0, f64x2.mul(m0, k0));
    w1 = f64x2.add(w1, f64x2.mul(m1, k1));
    k0 = f64x2.add(k0, four);
    k1 = f64x2.add(k1, four);
    const b = f64x2.add(m0, m1);
    store<f64>(CUM + (<usize>block << 3), f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
    block++;
  }
  const t = f64x2.add(t0, t1);
  const sm = f64x2.add(s0, s1);
  const w = f64x2.add(w0, w1);
  let total = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  let magSum = f64x2.extract_lane(sm, 0) + f64x2.extract_lane(sm, 1);
  let weighted = f64x2.extract_lane(w, 0) + f64x2.extract_lane(w, 1);
  let tail: f64 = 0;
  for (; k < n; k++) {
    const p = load<f64>(SP_POWER + (<usize>k << 3));
    const m = Math.sqrt(p);
    store<f64>(MAG + (<usize>k << 3), m);
    total += p;
    magSum += m;
    tail += m;
    weighted += m * <f64>k;
  }
  // The last bins (fewer than a block) as a block of their own.
  store<f64>(CUM + (<usize>block << 3), tail);
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

/** Bins per roll-off block (spectralSums' loop step). */
const ROLLOFF_BLOCK = 4;

/** Each band's Σ weight·power over its bins, in lanes (four partial sums per band). */
function bandEnergies(): void {
  let w = BAND_W;
  for (let b = 0; b < BANDS; b++) {
    const first = SP_POWER + (<usize>load<i32>(BAND_FIRST + (<usize>b << 2)) << 3);
    const len = load<i32>(BAND_LEN + (<usize>b << 2));
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= len; i += 4) {
      const o = <usize>i << 3;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w + o), v128.load(first + o)));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(w + o, 16), v128.load(first + o, 16)));
    }
    const a = f64x2.add(a0, a1);
    let e = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (; i < len; i++) e += load<f64>(w + (<usize>i << 3)) * load<f64>(first + (<usize>i << 3));
    store<f64>(ENERGY + (<usize>b << 3), e);
    w += <usize>len << 3;
  }
}

/**
 * spectral.ts's roll-off: the first bin k < n − 1 whose running magnitude sum reaches the target,
 * else n − 1. The running sum goes block by block over CUM's block sums, then bin by bin within
 * the block that reaches the target. A NaN target is never reached, as in the loop.
 */
function rolloffBin(target: f64): i32 {
  const last = BINS - 1;
  if (target != target) return last;
  const blocks = (BINS + ROLLOFF_BLOCK - 1) / ROLLOFF_BLOCK;
  let run: f64 = 0;
  for (let b = 0; b < blocks; b++) {
    const next = run + load<f64>(CUM + (<usize>b << 3));
    if (next >= target) {
      // Bin by bin from this block's first (past it only when its bins one by one round below its sum).
      for (let k = b * ROLLOFF_BLOCK; k < last; k++) {
        run += load<f64>(MAG + (<usize>k << 3));
        if (run >= target) return k;
      }
      return last;
    }
    run = next;
  }
  return last;
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
//
// One pass over each piece of samples: loudness.ts's K-weighting filters with their sub-block
// mean squares and (when asked) audio.ts's per-step Σ x², each expression in the JS order (bit
// for bit the JS loops). Each biquad runs in its look-ahead form (loudness.ts, `lookAhead`): an
// output depends on the outputs 2 and 4 samples back, not 1 and 2, so the even and the odd samples
// are two recurrences, which run side by side in the two lanes of an f64x2 with no shuffle on
// their chains (a pair of outputs per step of the chain instead of one). Each lane computes its
// sample with the scalar expression's operations in its order, so a sample's value does not
// depend on its lane. The squares are added one sample at a time, in order, as in JS.

/** Samples JS copies in per call: callers split longer inputs (the sums carry over, in order). */
const PIECE: i32 = 16384;
let SAMPLES: usize = 0;
/**
 * Loudness: 14 coefficients (each stage's look-ahead e0…e4, c2, c4), the state x1…x4, y1…y4,
 * w1…w4 (the input, stage 1's and stage 2's outputs 1…4 samples back), the sub-block sum and
 * count; then the steps' running Σ x², the samples left in the current step, and how many step
 * runs the last call completed. Slot numbers: LOUD_* in frame-kernel.ts.
 */
let LOUD: usize = 0;
/** Mean squares of the sub-blocks one samplesPush completed (at most PIECE / sub + 1). */
let BLOCKS: usize = 0;
/** Σ x² of each step one samplesPush completed (at most PIECE / stepLen + 1). */
let RUNS: usize = 0;

/** Lay out the per-sample loops' input (PIECE f32 samples), the state and the outputs. */
export function samplesSetup(): void {
  SAMPLES = alloc(PIECE << 2);
  LOUD = alloc(32 << 3);
  BLOCKS = alloc((PIECE + 1) << 3);
  RUNS = alloc((PIECE + 1) << 3);
}

export function samplesInput(): usize { return SAMPLES; }
export function samplesPiece(): i32 { return PIECE; }
export function loudnessState(): usize { return LOUD; }
export function loudnessBlocks(): usize { return BLOCKS; }
export function stepRuns(): usize { return RUNS; }

// Byte offsets in LOUD.
const L_X = 112;
const L_Y = 144;
const L_W = 176;
const L_ACC = 208;
const L_COUNT = 216;
const L_SS = 224;
const L_LEFT = 232;
const L_RUNS = 240;

/**
 * The first n input samples through the loudness filters, writing the mean square of every
 * completed `sub`-sample block to BLOCKS (returns how many). With stepLen > 0 also the steps'
 * Σ x²: the running sum and the samples left in the current step are in LOUD; each step
 * completed here writes its sum to RUNS (their count in LOUD) and starts again from 0.
 *
 * Per sample, with x1…x4 the inputs and y2, y4 the outputs 2 and 4 samples back (stage 2 the
 * same on stage 1's outputs y, giving w):
 *   y = (((((e0·x + e1·x1) + e2·x2) + e3·x3) + e4·x4) − c4·y4) − c2·y2
 * Pairs of samples (n, n + 1) run in the lanes; an odd last sample runs alone, the same expression.
 */
export function samplesPush(n: i32, sub: i32, stepLen: i32): i32 {
  const s = LOUD;
  const E0 = load<f64>(s), E1 = load<f64>(s, 8), E2 = load<f64>(s, 16), E3 = load<f64>(s, 24), E4 = load<f64>(s, 32), C2 = load<f64>(s, 40), C4 = load<f64>(s, 48);
  const F0 = load<f64>(s, 56), F1 = load<f64>(s, 64), F2 = load<f64>(s, 72), F3 = load<f64>(s, 80), F4 = load<f64>(s, 88), D2 = load<f64>(s, 96), D4 = load<f64>(s, 104);
  let x1 = load<f64>(s, L_X), x2 = load<f64>(s, L_X + 8), x3 = load<f64>(s, L_X + 16), x4 = load<f64>(s, L_X + 24);
  let y1 = load<f64>(s, L_Y), y2 = load<f64>(s, L_Y + 8), y3 = load<f64>(s, L_Y + 16), y4 = load<f64>(s, L_Y + 24);
  let w1 = load<f64>(s, L_W), w2 = load<f64>(s, L_W + 8), w3 = load<f64>(s, L_W + 16), w4 = load<f64>(s, L_W + 24);
  let acc = load<f64>(s, L_ACC);
  let count = <i32>load<f64>(s, L_COUNT);
  let ss = load<f64>(s, L_SS);
  let left = <i32>load<f64>(s, L_LEFT);
  const squares = stepLen > 0;
  let blocks = 0;
  let runs = 0;
  let i = 0;
  if (n >= 2) {
    const e0 = f64x2.splat(E0), e1 = f64x2.splat(E1), e2 = f64x2.splat(E2), e3 = f64x2.splat(E3), e4 = f64x2.splat(E4), c2 = f64x2.splat(C2), c4 = f64x2.splat(C4);
    const f0 = f64x2.splat(F0), f1 = f64x2.splat(F1), f2 = f64x2.splat(F2), f3 = f64x2.splat(F3), f4 = f64x2.splat(F4), d2 = f64x2.splat(D2), d4 = f64x2.splat(D4);
    // The history as pairs in lane order (older, newer): xa = (x2, x1), xm = (x3, x2), xb = (x4, x3).
    let xa = f64x2(x2, x1), xm = f64x2(x3, x2), xb = f64x2(x4, x3);
    let ya = f64x2(y2, y1), ym = f64x2(y3, y2), yb = f64x2(y4, y3);
    let wa = f64x2(w2, w1), wb = f64x2(w4, w3);
    for (; i + 2 <= n; i += 2) {
      const x = f64x2.promote_low_f32x4(v128.load64_zero(SAMPLES + (<usize>i << 2)));
      const xs = f64x2.shuffle(xa, x, 1, 2);
      const fy = f64x2.add(f64x2.add(f64x2.add(f64x2.add(f64x2.mul(e0, x), f64x2.mul(e1, xs)), f64x2.mul(e2, xa)), f64x2.mul(e3, xm)), f64x2.mul(e4, xb));
      const y = f64x2.sub(f64x2.sub(fy, f64x2.mul(c4, yb)), f64x2.mul(c2, ya));
      const ys = f64x2.shuffle(ya, y, 1, 2);
      const fw = f64x2.add(f64x2.add(f64x2.add(f64x2.add(f64x2.mul(f0, y), f64x2.mul(f1, ys)), f64x2.mul(f2, ya)), f64x2.mul(f3, ym)), f64x2.mul(f4, yb));
      const w = f64x2.sub(f64x2.sub(fw, f64x2.mul(d4, wb)), f64x2.mul(d2, wa));
      xb = xa;
      xm = xs;
      xa = x;
      yb = ya;
      ym = ys;
      ya = y;
      wb = wa;
      wa = w;
      const ww = f64x2.mul(w, w);
      acc += f64x2.extract_lane(ww, 0);
      if (++count == sub) {
        store<f64>(BLOCKS + (<usize>blocks << 3), acc / <f64>sub);
        blocks++;
        acc = 0;
        count = 0;
      }
      acc += f64x2.extract_lane(ww, 1);
      if (++count == sub) {
        store<f64>(BLOCKS + (<usize>blocks << 3), acc / <f64>sub);
        blocks++;
        acc = 0;
        count = 0;
      }
      if (squares) {
        const vv = f64x2.mul(x, x);
        ss += f64x2.extract_lane(vv, 0);
        if (--left == 0) {
          store<f64>(RUNS + (<usize>runs << 3), ss);
          runs++;
          ss = 0;
          left = stepLen;
        }
        ss += f64x2.extract_lane(vv, 1);
        if (--left == 0) {
          store<f64>(RUNS + (<usize>runs << 3), ss);
          runs++;
          ss = 0;
          left = stepLen;
        }
      }
    }
    x1 = f64x2.extract_lane(xa, 1);
    x2 = f64x2.extract_lane(xa, 0);
    x3 = f64x2.extract_lane(xb, 1);
    x4 = f64x2.extract_lane(xb, 0);
    y1 = f64x2.extract_lane(ya, 1);
    y2 = f64x2.extract_lane(ya, 0);
    y3 = f64x2.extract_lane(yb, 1);
    y4 = f64x2.extract_lane(yb, 0);
    w1 = f64x2.extract_lane(wa, 1);
    w2 = f64x2.extract_lane(wa, 0);
    w3 = f64x2.extract_lane(wb, 1);
    w4 = f64x2.extract_lane(wb, 0);
  }
  if (i < n) {
    const v = <f64>load<f32>(SAMPLES + (<usize>i << 2));
    const y = E0 * v + E1 * x1 + E2 * x2 + E3 * x3 + E4 * x4 - C4 * y4 - C2 * y2;
    const w = F0 * y + F1 * y1 + F2 * y2 + F3 * y3 + F4 * y4 - D4 * w4 - D2 * w2;
    x4 = x3;
    x3 = x2;
    x2 = x1;
    x1 = v;
    y4 = y3;
    y3 = y2;
    y2 = y1;
    y1 = y;
    w4 = w3;
    w3 = w2;
    w2 = w1;
    w1 = w;
    acc += w * w;
    if (++count == sub) {
      store<f64>(BLOCKS + (<usize>blocks << 3), acc / <f64>sub);
      blocks++;
      acc = 0;
      count = 0;
    }
    if (squares) {
      ss += v * v;
      if (--left == 0) {
        store<f64>(RUNS + (<usize>runs << 3), ss);
        runs++;
        ss = 0;
        left = stepLen;
      }
    }
  }
  store<f64>(s, x1, L_X);
  store<f64>(s, x2, L_X + 8);
  store<f64>(s, x3, L_X + 16);
  store<f64>(s, x4, L_X + 24);
  store<f64>(s, y1, L_Y);
  store<f64>(s, y2, L_Y + 8);
  store<f64>(s, y3, L_Y + 16);
  store<f64>(s, y4, L_Y + 24);
  store<f64>(s, w1, L_W);
  store<f64>(s, w2, L_W + 8);
  store<f64>(s, w3, L_W + 16);
  store<f64>(s, w4, L_W + 24);
  store<f64>(s, acc, L_ACC);
  store<f64>(s, <f64>count, L_COUNT);
  store<f64>(s, ss, L_SS);
  store<f64>(s, <f64>left, L_LEFT);
  store<f64>(s, <f64>runs, L_RUNS);
  return blocks;
}
