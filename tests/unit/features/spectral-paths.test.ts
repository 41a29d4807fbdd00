/**
 * The spectral analyser's two ways of summing a frame, the JavaScript loops and the WebAssembly
 * kernel (documented as doing the same sums), give the same descriptors for the same power
 * spectra: seeded random spectra with a few strong peaks, frame after frame. And a single
 * sinusoid's power lands in the mel band around its frequency: that band is the loudest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { SpectralAnalyser } from '../../../electron/engine/features/spectral';
import { createRng } from '../../../electron/engine/util/prng';

afterEach(() => useFrameKernel(true));

const SR = 22050;
const N = 1024;
const analyser = (kernel: boolean): SpectralAnalyser => {
  useFrameKernel(kernel);
  return new SpectralAnalyser(SR, N, 40, 30, 11025, -80, 0.85, 65, 5000, 250);
};

function spectra(count: number): Float64Array[] {
  const rng = createRng(9);
  return Array.from({ length: count }, () => {
    const p = Float64Array.from({ length: N / 2 + 1 }, () => rng.next() * 1e-4);
    for (let k = 0; k < 4; k++) p[5 + Math.floor(rng.next() * 400)] += 1 + rng.next();
    return p;
  });
}

describe('SpectralAnalyser paths', () => {
  it('JS loops and kernel agree on every descriptor, frame after frame', () => {
    const js = analyser(false);
    const kernel = analyser(true);
    for (const p of spectra(6)) {
      const a = js.analyse(p);
      const aMel = Array.from(a.melDb);
      const aChroma = Array.from(a.chroma);
      const aScalars = [a.centroidHz, a.rolloffHz, a.flatness];
      const b = kernel.analyse(p);
      Array.from(b.melDb).forEach((v, i) => expect(v, `mel ${i}`).toBeCloseTo(aMel[i], 9));
      Array.from(b.chroma).forEach((v, i) => expect(v, `chroma ${i}`).toBeCloseTo(aChroma[i], 9));
      [b.centroidHz, b.rolloffHz, b.flatness].forEach((v, i) => expect(v).toBeCloseTo(aScalars[i], 6));
      expect(Math.max(...aMel)).toBeGreaterThan(-80);
    }
  });

  it('a single 1 kHz component: the loudest mel band is the one around 1 kHz, on the JS path', () => {
    const js = analyser(false);
    const p = new Float64Array(N / 2 + 1);
    const bin = Math.round((1000 * N) / SR);
    p[bin] = 1;
    const mel = Array.from(js.analyse(p).melDb);
    const loudest = mel.indexOf(Math.max(...mel));
    // Mel scale (HTK) from 30 Hz to 11025 Hz in 40 bands: 1 kHz sits near band 14–15 of 0–39.
    const melOf = (f: number): number => 2595 * Math.log10(1 + f / 700);
    const expected = ((melOf(bin * SR / N) - melOf(30)) / (melOf(11025) - melOf(30))) * 41 - 1;
    expect(Math.abs(loudest - expected)).toBeLessThanOrEqual(1);
  });
});
