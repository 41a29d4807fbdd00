/**
 * The production signature's pieces against what their definitions give by hand: the FFT bins'
 * log-spaced bands (empty bands skipped), and mid/side levels of stereo signals whose relation is
 * known (left = right has no side; mid v and side w set apart by construction; independent channels of equal power give
 * side and mid equal power, and white noise a flat mid spectrum).
 */
import { describe, expect, it } from 'vitest';
import { binBands, ProductionAccumulator } from '../../../electron/engine/similarity/production';
import { createRng } from '../../../electron/engine/util/prng';

describe('binBands', () => {
  it('16 kHz, 32-point FFT (500 Hz bins), bands log-spaced from 50 Hz in 8: the low bands hold no bin and are skipped', () => {
    // Band edges 50 · 160^(i/8): 50, 94.6, 179, 339, 641, 1213, 2295, 4343, 8000 Hz. Bin k sits at 500 k Hz:
    // 0 Hz below 50 → −1; 500 → band 3; 1000 → 4; 1500, 2000 → 5; 2500–4000 → 6; 4500–8000 → 7 (8000 is the top edge).
    // Bands 0–2 hold no bin: 3…7 become 0…4.
    const { band, count } = binBands(16000, 32, 50, 8);
    expect(Array.from(band)).toEqual([-1, 0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(count).toBe(5);
  });
});

/** Two seconds of interleaved stereo at 44.1 kHz from per-sample (left, right). */
function stereo(pair: (i: number) => [number, number]): Float32Array {
  const n = 2 * 44100;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) [out[2 * i], out[2 * i + 1]] = pair(i);
  return out;
}

function signature(x: Float32Array, chunk = 4097): { mid: number[]; sideReMid: number[] } {
  const acc = new ProductionAccumulator();
  // Odd-sized pushes: a frame split between two pushes must still pair left with right.
  for (let at = 0; at < x.length; at += chunk) acc.push(x.subarray(at, Math.min(x.length, at + chunk)));
  const out = acc.finish();
  if (!out) throw new Error('no signature');
  const nb = acc.bandCount;
  expect(out).toHaveLength(2 * nb);
  expect(out.every((v) => Number.isFinite(v))).toBe(true);
  return { mid: Array.from(out.subarray(0, nb)), sideReMid: Array.from(out.subarray(nb)) };
}

describe('ProductionAccumulator', () => {
  it('left = right: no side at all', () => {
    const r = createRng(1);
    const { sideReMid } = signature(stereo(() => {
      const v = r.next() - 0.5;
      return [v, v];
    }));
    for (const d of sideReMid) expect(d).toBeLessThan(-100);
  });

  it('left = v + w, right = v − w with w twice v in amplitude: side 6 dB above mid (20 log10 2)', () => {
    const r = createRng(2);
    const { sideReMid } = signature(stereo(() => {
      const v = r.next() - 0.5;
      const w = 2 * (r.next() - 0.5);
      return [v + w, v - w];
    }));
    for (const d of sideReMid) expect(Math.abs(d - 20 * Math.log10(2))).toBeLessThan(3);
  });

  it('independent white noise on each channel: side as loud as mid, and a flat mid spectrum', () => {
    const r = createRng(3);
    const { mid, sideReMid } = signature(stereo(() => [r.next() - 0.5, r.next() - 0.5]));
    // Per band the estimates scatter by about a decibel (a few bins × ~35 frames).
    for (const d of sideReMid) expect(Math.abs(d)).toBeLessThan(3);
    for (const d of mid) expect(Math.abs(d)).toBeLessThan(3);
  });
});
