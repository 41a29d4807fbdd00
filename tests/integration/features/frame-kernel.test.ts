/**
 * The WebAssembly frame kernel against the JS path (the shipped model was trained on the JS
 * path's features). Its STFT is its own real FFT (a half-size complex FFT and the split step),
 * so every frame's power spectrum must be within the documented tolerance of fft.js's
 * (docs/catalog.md: |Δ| ≤ 1e-12 of the bin + 1e-14 of the frame's largest bin) and of a plain
 * DFT written out here; its spectral sums (added in lanes) must be within a relative 1e-12 of
 * the JS path's on the same spectrum, with the same roll-off bin, silence and chroma; whole real recordings must give every stored descriptor within a relative 1e-6
 * (values under 1e-3: 1e-9 absolute) and the same tempo, beats and key. Each path is also checked
 * against truths of its own (a sine's bin, power and centroid), so a bug shared by both would fail too.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { compileFrameKernel, frameKernelModule, useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { AUDIO_SPEC as S } from '../../../electron/engine/features/spec';
import { SILENT_POWER, SpectralAnalyser, type FrameDescriptors } from '../../../electron/engine/features/spectral';
import { Stft } from '../../../electron/engine/features/stft';
import { createRng } from '../../../electron/engine/util/prng';
import { decodeMono, sharedMediaDir } from '../../helpers/media';

// On, whatever NEEDLEDROP_FRAME_KERNEL says: these tests compare the two paths.
beforeAll(() => useFrameKernel(true));
afterEach(() => useFrameKernel(true));

/** Signals that reach every branch: noise over a wide range, tiny values, silence, spikes, a sine. */
function signals(seed: number, length: number): Record<string, Float32Array> {
  const rng = createRng(seed);
  const noise = Float32Array.from({ length }, () => 2 * rng.next() - 1);
  const wide = Float32Array.from({ length }, () => (2 * rng.next() - 1) * 10 ** (8 * rng.next() - 6));
  const tiny = Float32Array.from({ length }, () => (2 * rng.next() - 1) * 1e-30);
  const silentThenLoud = Float32Array.from({ length }, (_, i) => (i < length / 2 ? 0 : Math.sin(i * 0.3) * (rng.next() < 0.01 ? 8 : 0.5)));
  const sine = Float32Array.from({ length }, (_, i) => 0.7 * Math.sin((2 * Math.PI * 440 * i) / S.sampleRate));
  return { noise, wide, tiny, silentThenLoud, sine };
}

/** Every frame's power spectrum (copied) from an Stft with the kernel on or off, pushed in odd chunks. */
function powers(kernel: boolean, x: Float32Array, nfft: number, hop: number): Float64Array[] {
  useFrameKernel(kernel);
  const out: Float64Array[] = [];
  const stft = new Stft(nfft, hop, (p) => out.push(Float64Array.from(p)));
  for (let i = 0; i < x.length; i += 1237) stft.push(x.subarray(i, i + 1237));
  stft.finish();
  return out;
}

/**
 * The frames whose spectra differ beyond the STFT's tolerance: per bin, more than 1e-12 of the
 * bin plus 1e-14 of the frame's largest bin (rounding in two FFTs of different structure: the
 * measured worst is ~5e-16 of the largest bin).
 */
function spectraBeyondTolerance(ref: Float64Array[], got: Float64Array[]): number[] {
  return ref
    .map((p, j) => {
      const peak = p.reduce((m, v) => Math.max(m, v), 0);
      return p.every((v, k) => Math.abs(got[j][k] - v) <= 1e-12 * v + 1e-14 * peak) ? -1 : j;
    })
    .filter((j) => j >= 0);
}

/** Frame j's one-sided power spectrum by the DFT's definition, O(n²): Hann window and scale as stft.ts documents. */
function plainDftPowers(x: Float32Array, nfft: number, hop: number): Float64Array[] {
  const w = Float64Array.from({ length: nfft }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nfft));
  const scale = (2 / w.reduce((a, v) => a + v, 0)) ** 2;
  const frames = 1 + Math.floor(x.length / hop);
  return Array.from({ length: frames }, (_, j) => {
    const p = new Float64Array(nfft / 2 + 1);
    for (let k = 0; k <= nfft / 2; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < nfft; n++) {
        const t = j * hop - nfft / 2 + n;
        const v = t >= 0 && t < x.length ? x[t] * w[n] : 0;
        re += v * Math.cos((2 * Math.PI * k * n) / nfft);
        im -= v * Math.sin((2 * Math.PI * k * n) / nfft);
      }
      p[k] = (re * re + im * im) * scale;
    }
    return p;
  });
}

/** Equal to the last bit (-0 ≠ +0, NaN = NaN). */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function descriptorBits(f: FrameDescriptors): Float64Array {
  return Float64Array.of(...f.melDb, f.centroidHz, f.rolloffHz, f.flatness, ...f.chroma, ...f.bassChroma, f.silent ? 1 : 0);
}

function analyser(kernel: boolean): SpectralAnalyser {
  useFrameKernel(kernel);
  return new SpectralAnalyser(S.sampleRate, S.nfft, S.melBands, S.melFmin, S.melFmax, S.floorDb, S.rolloff, S.chromaFmin, S.chromaFmax, S.bassFmax);
}

describe('frame kernel', () => {
  it('is available here (Node has WebAssembly SIMD), so the other tests compare two paths', () => {
    expect(frameKernelModule()).not.toBeNull();
    useFrameKernel(false);
    expect(frameKernelModule()).toBeNull();
  });

  it('a runtime without WebAssembly, or whose WebAssembly refuses the SIMD bytes, gets no kernel (the JS path runs)', () => {
    expect(compileFrameKernel(undefined)).toBeNull();
    // A runtime without SIMD is one whose validate() refuses the kernel's bytes; stand in for one,
    // and let the real one refuse bytes it cannot decode.
    const noSimd = { ...WebAssembly, validate: () => false } as typeof WebAssembly;
    expect(compileFrameKernel(noSimd)).toBeNull();
    expect(compileFrameKernel(WebAssembly, Uint8Array.of(0, 0x61, 0x73, 0x6d, 9, 9, 9, 9))).toBeNull();
    expect(compileFrameKernel(WebAssembly)).toBeInstanceOf(WebAssembly.Module);
  });

  it.each([8, 16, 32, 64, 512, 1024, 2048, 4096])('STFT of %i points: every frame within tolerance of fft.js (seeded signals)', (nfft) => {
    const hop = Math.max(1, Math.round(nfft * 0.43));
    for (const [name, x] of Object.entries(signals(nfft, 6 * nfft + 123))) {
      const js = powers(false, x, nfft, hop);
      const wasm = powers(true, x, nfft, hop);
      expect(wasm.length, name).toBe(js.length);
      expect(spectraBeyondTolerance(js, wasm), `${name}: frames beyond tolerance`).toEqual([]);
    }
  });

  it.each([16, 64, 512])('STFT of %i points: both paths within tolerance of a plain DFT (an independent truth)', (nfft) => {
    const hop = Math.round(nfft * 0.43);
    for (const [name, x] of Object.entries(signals(nfft + 1, 3 * nfft + 17))) {
      const truth = plainDftPowers(x, nfft, hop);
      // The plain DFT's own rounding grows with n (sums of n terms, cos/sin of large arguments): looser than between the two FFTs.
      for (const kernel of [false, true]) {
        const got = powers(kernel, x, nfft, hop);
        const off = truth.map((p, j) => {
          const peak = p.reduce((m, v) => Math.max(m, v), 0);
          return p.every((v, k) => Math.abs(got[j][k] - v) <= 1e-9 * v + 1e-12 * peak) ? -1 : j;
        });
        expect(off.filter((j) => j >= 0), `${name}, kernel ${kernel}`).toEqual([]);
      }
    }
  });

  it('STFT of a real recording (20 s): every frame within tolerance of fft.js', async () => {
    const root = await sharedMediaDir();
    if (!root) throw new Error('../shared/media is missing: the real recordings are part of this test');
    const dir = join(root, 'music');
    const file = (await readdir(dir)).filter((f) => f.endsWith('.ogg')).sort()[0];
    const x = (await decodeMono(join(dir, file), S.sampleRate)).subarray(0, 20 * S.sampleRate);
    const js = powers(false, x, S.nfft, S.hop);
    const wasm = powers(true, x, S.nfft, S.hop);
    expect(js.length).toBe(1 + Math.floor(x.length / S.hop));
    expect(spectraBeyondTolerance(js, wasm)).toEqual([]);
  });

  it('spectral descriptors: every frame within tolerance, roll-off, silence and chroma identical (seeded signals, then frames edited to silence and to single spikes)', () => {
    const spectra: Float64Array[] = [];
    for (const x of Object.values(signals(7, 40_000))) spectra.push(...powers(false, x, S.nfft, S.hop));
    const silent = new Float64Array(S.nfft / 2 + 1);
    const justSilent = silent.map((_, k) => (k === 300 ? 0.99e-10 : 0));
    const spike = silent.map((_, k) => (k === 150 ? 0.5 : 0));
    spectra.push(silent, justSilent, spike);
    const js = analyser(false);
    const wasm = analyser(true);
    let peaks = 0;
    let differing = 0;
    // The kernel adds its sums in lanes (four partial sums), the JS path in one chain: the mel
    // energies, centroid and flatness may differ in their last bits (a relative 1e-12 allows
    // ~4,000 roundings); the magnitudes are the same, so chroma is, and the roll-off bin and the
    // silent test can only move where a sum ties its threshold to ~1e-15, which these frames do not.
    const close = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
    spectra.forEach((p, j) => {
      const a = js.analyse(p);
      const aBits = descriptorBits(a);
      const same = { rolloffHz: a.rolloffHz, silent: a.silent, chroma: Array.from(a.chroma), bassChroma: Array.from(a.bassChroma) };
      const near = [...a.melDb, a.centroidHz, a.flatness];
      peaks += js.out.chroma.some((c) => c > 0) ? 1 : 0;
      const b = wasm.analyse(p);
      differing += sameBits(aBits, descriptorBits(b)) ? 0 : 1;
      expect({ rolloffHz: b.rolloffHz, silent: b.silent, chroma: Array.from(b.chroma), bassChroma: Array.from(b.bassChroma) }, `frame ${j}`).toEqual(same);
      const got = [...b.melDb, b.centroidHz, b.flatness];
      const beyond = near.findIndex((v, i) => !close(v, got[i]) && !(Number.isNaN(v) && Number.isNaN(got[i])));
      if (beyond >= 0) expect.fail(`frame ${j}, value ${beyond}: JS ${near[beyond]} vs WASM ${got[beyond]}`);
    });
    // The comparison covered frames with chroma peaks, silent frames and the spike.
    expect(peaks).toBeGreaterThan(spectra.length / 2);
    process.stderr.write(`spectral descriptors: ${differing} of ${spectra.length} frames differ in some last bit, all within tolerance\n`);
  });

  it('a frame is silent exactly when its total power is below SILENT_POWER, in both paths', () => {
    // The kernel's total power (summed in lanes) decides only this, so nothing else pins it: a lane
    // dropped from the total passed every other test (found by review). Random spectra scaled so
    // their total is scale × the threshold; the truth: silent iff scale < 1.
    const rng = createRng(5);
    const bins = S.nfft / 2 + 1;
    const js = analyser(false);
    const wasm = analyser(true);
    for (const scale of [0.5, 0.9, 1.1, 1.5, 1.9, 2.5]) {
      const p = new Float64Array(bins);
      for (let k = 0; k < bins; k++) p[k] = rng.next();
      const total = p.reduce((a, b) => a + b, 0);
      for (let k = 0; k < bins; k++) p[k] *= (scale * SILENT_POWER) / total;
      expect(js.analyse(p).silent, `JS, scale ${scale}`).toBe(scale < 1);
      expect(wasm.analyse(p).silent, `kernel, scale ${scale}`).toBe(scale < 1);
    }
  });

  it.each([false, true])('kernel %s: a 1 kHz sine reads at its bin with power ≈ 1, centroid ≈ 1 kHz, chroma on B (truths of its own)', (kernel) => {
    const freq = (93 * S.sampleRate) / S.nfft;
    const x = Float32Array.from({ length: 22050 }, (_, i) => Math.sin((2 * Math.PI * freq * i) / S.sampleRate));
    const frames = powers(kernel, x, S.nfft, S.hop);
    const p = frames[10];
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    expect(best).toBe(93);
    expect(p[93]).toBeCloseTo(1, 2);
    const f = analyser(kernel).analyse(p);
    expect(Math.abs(f.centroidHz - freq)).toBeLessThan(40);
    // 1001.3 Hz is 11.96 semitones above C5's 523 Hz… i.e. pitch class B (11).
    const pc = f.chroma.indexOf(Math.max(...f.chroma));
    expect(pc).toBe(Math.round(12 * Math.log2(freq / 16.351597831287414)) % 12);
  });

  it('whole real recordings: every descriptor within tolerance, tempo, beats and key identical, with and without the kernel', async () => {
    const root = await sharedMediaDir();
    if (!root) throw new Error('../shared/media is missing: the real recordings are part of this test');
    const dir = join(root, 'music');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.ogg')).sort();
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const f of files) {
      useFrameKernel(false);
      const js = await extractAudioFeatures(join(dir, f));
      useFrameKernel(true);
      const wasm = await extractAudioFeatures(join(dir, f));
      expect(wasm.seq.T, f).toBe(js.seq.T);
      const beyond = js.seq.data.findIndex((v, i) => !(Math.abs(wasm.seq.data[i] - v) <= 1e-6 * Math.abs(v) + 1e-9));
      expect(beyond, `${f}: first descriptor beyond tolerance`).toBe(-1);
      expect(wasm.summary, f).toEqual(js.summary);
    }
  }, 300_000);
});
