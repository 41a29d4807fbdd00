/**
 * The loudness meter runs each K-weighting biquad in its look-ahead form (loudness.ts, `lookAhead`):
 * the same filter as the direct form, computed another way (even and odd samples as two
 * recurrences). Checked against what is computed here, independently of the meter: the form's
 * polynomials against the products N(z)·D(−z) and D(z)·D(−z), its frequency response against the
 * biquad's, and the meter's sub-block mean squares and level against a direct-form-I cascade of
 * the same biquads with BS.1770's gating written out below — on impulses, sines from 20 Hz to
 * near Nyquist, noise over 14 decades and the real recordings of ../shared/media/music, on both
 * paths (the WebAssembly kernel and the JS loop), pushed in pieces of 1, 3 and 7,919 samples (the
 * kernel's pairs and its odd last sample).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { highPass, highShelf, lookAhead, LoudnessMeter, type Biquad } from '../../../electron/engine/features/loudness';
import { createRng } from '../../../electron/engine/util/prng';
import { decodeMono, sharedMediaDir } from '../../helpers/media';

afterEach(() => useFrameKernel(true));

const SR = 22050;

/** Polynomial product (coefficients of z⁻ᵏ). */
function times(p: number[], q: number[]): number[] {
  const out = new Array<number>(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++) for (let j = 0; j < q.length; j++) out[i + j] += p[i] * q[j];
  return out;
}

/** Σ c[k]·e^(−iωk) as [re, im]. */
function at(c: number[], w: number): [number, number] {
  let re = 0;
  let im = 0;
  for (let k = 0; k < c.length; k++) {
    re += c[k] * Math.cos(w * k);
    im -= c[k] * Math.sin(w * k);
  }
  return [re, im];
}

/** N(e^iω) / D(e^iω) as [re, im]. */
function response(num: number[], den: number[], w: number): [number, number] {
  const [a, b] = at(num, w);
  const [c, d] = at(den, w);
  const m = c * c + d * d;
  return [(a * c + b * d) / m, (b * c - a * d) / m];
}

/** The two stages in direct form I, written out; each 100 ms sub-block's mean square of the output. */
function directSubBlocks(x: Float32Array, fs: number): number[] {
  const stages: Biquad[] = [highShelf(fs), highPass(fs)];
  const sub = Math.round(fs / 10);
  let signal = Float64Array.from(x);
  for (const { b0, b1, b2, a1, a2 } of stages) {
    const out = new Float64Array(signal.length);
    let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (let n = 0; n < signal.length; n++) {
      const y = b0 * signal[n] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = signal[n];
      y2 = y1;
      y1 = y;
      out[n] = y;
    }
    signal = out;
  }
  const blocks: number[] = [];
  for (let start = 0; start + sub <= signal.length; start += sub) {
    let acc = 0;
    for (let n = start; n < start + sub; n++) acc += signal[n] * signal[n];
    blocks.push(acc / sub);
  }
  return blocks;
}

/** BS.1770's gating over 400 ms blocks (four sub-blocks, hop one), to 0.01 LU as the meter stores it. */
function gatedLufs(sub: number[]): number | null {
  const lufs = (ms: number): number => -0.691 + 10 * Math.log10(ms);
  const blocks: number[] = [];
  for (let i = 0; i + 4 <= sub.length; i++) blocks.push((sub[i] + sub[i + 1] + sub[i + 2] + sub[i + 3]) / 4);
  const passing = blocks.filter((ms) => ms > 0 && lufs(ms) > -70);
  if (passing.length === 0) return null;
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const relative = lufs(mean(passing)) - 10;
  return Math.round(lufs(mean(passing.filter((ms) => lufs(ms) > relative))) * 100) / 100;
}

function meter(kernel: boolean, x: Float32Array, chunk: number): { blocks: number[]; lufs: number | null } {
  useFrameKernel(kernel);
  const m = new LoudnessMeter(SR);
  for (let i = 0; i < x.length; i += chunk) m.push(x.subarray(i, i + chunk));
  const inner = m as unknown as { subBlocks: Float64Array; subBlockCount: number };
  return { blocks: Array.from(inner.subBlocks.subarray(0, inner.subBlockCount)), lufs: m.integrated() };
}

/**
 * The largest |Δ| of a block relative to the block; blocks more than 120 dB under the largest
 * (`floor`), far under both gates, relative to that floor instead: in a filter's decay after the
 * sound stops, 20 and more orders of magnitude down, the two forms' last-bit differences in their
 * poles grow to a relative 1e-11 … 1e-9 of those blocks.
 */
function worst(got: number[], ref: number[], floor = 1e-12): number {
  expect(got.length).toBe(ref.length);
  const top = Math.max(...ref);
  let w = 0;
  for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(got[i] - ref[i]) / Math.max(ref[i], floor * top));
  return w;
}

/**
 * How close the look-ahead form stays to the direct form. On music: measured ≤ 7.2e-14 on the
 * recordings, 1.7e-14 on a 237 s mp3 (REAL). On clicks the blocks that hold only the first few
 * samples of a click's response differ by up to 2.8e-11 (SYNTHETIC): there the direct form itself
 * is off by up to 2.4e-11 from the same filter computed with 50 digits (mpmath), the look-ahead
 * form by 4.3e-12; on 5 s of the mp3 by 8.6e-15 and 3.8e-15.
 */
const SYNTHETIC = 1e-10;
const REAL = 1e-12;

describe('the K-weighting biquads in look-ahead form', () => {
  for (const fs of [22050, 44100, 48000]) {
    for (const [name, f] of [['shelf', highShelf(fs)], ['high-pass', highPass(fs)]] as const) {
      it(`${name} at ${fs} Hz: numerator N(z)·D(−z), denominator D(z)·D(−z) with only even powers`, () => {
        const [e0, e1, e2, e3, e4, c2, c4] = lookAhead(f);
        const num = times([f.b0, f.b1, f.b2], [1, -f.a1, f.a2]);
        const den = times([1, f.a1, f.a2], [1, -f.a1, f.a2]);
        const got = [e0, e1, e2, e3, e4];
        for (let k = 0; k < 5; k++) expect(Math.abs(got[k] - num[k]), `e${k}`).toBeLessThan(1e-15 * 4);
        expect(Math.abs(den[1]) + Math.abs(den[3])).toBeLessThan(1e-15);
        expect(Math.abs(c2 - den[2])).toBeLessThan(1e-15 * 4);
        expect(Math.abs(c4 - den[4])).toBeLessThan(1e-15);
      });

      it(`${name} at ${fs} Hz: the same frequency response as the biquad, 5 Hz to Nyquist`, () => {
        const [e0, e1, e2, e3, e4, c2, c4] = lookAhead(f);
        for (let hz = 5; hz < fs / 2; hz *= 1.07) {
          const w = (2 * Math.PI * hz) / fs;
          const [ar, ai] = response([f.b0, f.b1, f.b2], [1, f.a1, f.a2], w);
          const [br, bi] = response([e0, e1, e2, e3, e4], [1, 0, c2, 0, c4], w);
          expect(Math.hypot(br - ar, bi - ai) / Math.hypot(ar, ai), `${hz.toFixed(0)} Hz`).toBeLessThan(1e-9);
        }
      });
    }
  }
});

describe('the meter against a direct-form-I cascade', () => {
  const rng = createRng(1770);
  const n = 3 * SR + 1234; // 30 sub-blocks and a part
  const sine = (hz: number, amp: number): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / SR));
  const impulse = new Float32Array(n);
  impulse[0] = 1;
  const clicks = new Float32Array(n);
  for (let i = 17; i < n; i += 5003) clicks[i] = i % 2 ? 0.9 : -0.7;
  const signals: Record<string, Float32Array> = {
    impulse,
    clicks,
    'sine 20 Hz': sine(20, 0.5),
    'sine 38 Hz': sine(38, 0.5),
    'sine 997 Hz at −20 dBFS': sine(997, 0.1),
    'sine 10 kHz': sine(10000, 0.3),
    'sine 11 kHz (near Nyquist)': sine(11000, 0.3),
    'noise over 14 decades': Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * 10 ** (14 * rng.next() - 12)),
    'noise then silence': Float32Array.from({ length: n }, (_, i) => (i < n / 3 ? 2 * rng.next() - 1 : 0)),
  };

  for (const [name, x] of Object.entries(signals)) {
    it(`${name}: the sub-block mean squares within ${SYNTHETIC} of the direct form's, the level identical; kernel and JS, pieces of 1, 3, 7,919`, () => {
      const ref = directSubBlocks(x, SR);
      const level = gatedLufs(ref);
      for (const kernel of [true, false]) {
        for (const chunk of [1, 3, 7919]) {
          const got = meter(kernel, x, chunk);
          expect(worst(got.blocks, ref), `kernel ${kernel}, pieces of ${chunk}`).toBeLessThan(SYNTHETIC);
          expect(got.lufs, `kernel ${kernel}, pieces of ${chunk}`).toBe(level);
        }
      }
    });
  }

  it('the 997 Hz sine at −20 dBFS reads −23.0 LUFS (BS.1770\'s calibration, within 0.05 LU at 22.05 kHz) on both forms', () => {
    const x = sine(997, 0.1);
    const level = gatedLufs(directSubBlocks(x, SR))!;
    expect(Math.abs(level - -23.01)).toBeLessThan(0.05);
    expect(meter(true, x, 7919).lufs).toBe(level);
  });

  it(`the real recordings: every sub-block within ${REAL} of the direct form's, every level identical (both paths)`, async () => {
    const root = await sharedMediaDir();
    if (!root) return; // ../shared/media is not part of every checkout
    const dir = join(root, 'music');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ogg')).sort();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const x = await decodeMono(join(dir, f), SR);
      const ref = directSubBlocks(x, SR);
      for (const kernel of [true, false]) {
        const got = meter(kernel, x, 8192 + 1);
        expect(worst(got.blocks, ref), `${f}, kernel ${kernel}`).toBeLessThan(REAL);
        expect(got.lufs, `${f}, kernel ${kernel}`).toBe(gatedLufs(ref));
      }
    }
  });
});
