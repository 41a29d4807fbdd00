/**
 * The per-frame path with and without the WebAssembly frame kernel, A/B in one process, on PCM
 * already in memory (the real recordings of ../shared/media/music, decoded once): µs per STFT
 * frame for the STFT alone (window, FFT, power), the STFT + spectral descriptors, and the whole
 * AudioFeatureExtractor (push + finish: loudness, step energies, flux, tempo, key …). Rounds
 * alternate JS / WASM so the machine's load falls on both; CPU time is measured (less load-
 * dependent than wall time) and the best round of each is printed with the ratio, and the two
 * paths' checksums are compared (the kernel's FFT is its own: they agree to a relative ~1e-15,
 * not to the last bit; tests/integration/features/frame-kernel.test.ts holds the tolerance).
 *
 *   npx tsx scripts/bench/frame-kernel.ts [--rounds 5] [--seconds 120]
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { AudioFeatureExtractor } from '../../electron/engine/features/audio';
import { frameKernelModule, useFrameKernel } from '../../electron/engine/features/frame-kernel';
import { AUDIO_SPEC as S } from '../../electron/engine/features/spec';
import { SpectralAnalyser } from '../../electron/engine/features/spectral';
import { Stft } from '../../electron/engine/features/stft';
import { decodeAudio } from '../../electron/engine/media/decode';
import { sharedMediaDir } from '../../tests/helpers/media';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, seconds: { type: 'string', default: '120' } } });
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);

/** `seconds` of the real recordings, one after another (repeated when they run out). */
async function realPcm(seconds: number): Promise<Float32Array> {
  const media = await sharedMediaDir();
  if (!media) throw new Error('../shared/media is missing: this bench runs on its real recordings');
  const dir = join(media, 'music');
  const parts: Float32Array[] = [];
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.ogg')).sort()) {
    for await (const c of decodeAudio(join(dir, f), { sampleRate: S.sampleRate })) parts.push(c);
  }
  if (parts.length === 0) throw new Error(`${dir}: no .ogg recordings decoded`);
  const out = new Float32Array(Math.round(seconds * S.sampleRate));
  for (let o = 0; o < out.length; ) {
    for (const p of parts) {
      const take = Math.min(p.length, out.length - o);
      out.set(p.subarray(0, take), o);
      o += take;
    }
  }
  return out;
}

/** CPU milliseconds of this process (less load-dependent than wall time; the bench runs on one thread). */
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const CHUNK = 8192;
function feed(pcm: Float32Array, push: (c: Float32Array) => void): void {
  for (let i = 0; i < pcm.length; i += CHUNK) push(pcm.subarray(i, i + CHUNK));
}

/** A checksum of every frame's output, to show both paths computed the same thing. */
type Run = () => { ms: number; sum: number };
const stftOnly = (pcm: Float32Array): Run => () => {
  let sum = 0;
  const t0 = cpuMs();
  const stft = new Stft(S.nfft, S.hop, (p) => (sum += p[100]));
  feed(pcm, (c) => stft.push(c));
  stft.finish();
  return { ms: cpuMs() - t0, sum };
};
const stftSpectral = (pcm: Float32Array): Run => () => {
  let sum = 0;
  const t0 = cpuMs();
  const spectral = new SpectralAnalyser(S.sampleRate, S.nfft, S.melBands, S.melFmin, S.melFmax, S.floorDb, S.rolloff, S.chromaFmin, S.chromaFmax, S.bassFmax);
  const stft = new Stft(S.nfft, S.hop, (p) => {
    const f = spectral.analyse(p);
    sum += f.melDb[7] + f.centroidHz + f.rolloffHz + f.flatness + f.chroma[3] + f.bassChroma[5];
  });
  feed(pcm, (c) => stft.push(c));
  stft.finish();
  return { ms: cpuMs() - t0, sum };
};
const extractor = (pcm: Float32Array): Run => () => {
  const t0 = cpuMs();
  const ex = new AudioFeatureExtractor(0);
  feed(pcm, (c) => ex.push(c));
  const { seq } = ex.finish();
  const ms = cpuMs() - t0;
  let sum = 0;
  for (let i = 0; i < seq.data.length; i++) sum += seq.data[i] * ((i % 97) + 1);
  return { ms, sum };
};

const pcm = await realPcm(SECONDS);
const frames = 1 + Math.floor(pcm.length / S.hop);
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${SECONDS} s of real recordings, ${frames} frames; WebAssembly SIMD ${frameKernelModule() ? 'available' : 'MISSING'}`);
for (const [name, make] of [['STFT (window, FFT, power)', stftOnly], ['STFT + spectral descriptors', stftSpectral], ['whole extractor (push + finish)', extractor]] as const) {
  const best = { js: Infinity, wasm: Infinity };
  const sums = { js: NaN, wasm: NaN };
  for (let r = 0; r < ROUNDS; r++) {
    for (const path of ['js', 'wasm'] as const) {
      useFrameKernel(path === 'wasm');
      const { ms, sum } = make(pcm)();
      best[path] = Math.min(best[path], ms);
      if (!Number.isNaN(sums[path]) && sums[path] !== sum) throw new Error(`${name}: ${path} gave different results in two rounds`);
      sums[path] = sum;
    }
  }
  useFrameKernel(true);
  const us = (ms: number): string => ((ms * 1000) / frames).toFixed(1);
  const rel = Math.abs(sums.js - sums.wasm) / Math.abs(sums.js);
  const same = Object.is(sums.js, sums.wasm) ? 'identical' : rel <= 1e-9 ? `within a relative ${rel.toExponential(1)}` : `DIFFERENT (${sums.js} vs ${sums.wasm})`;
  console.log(`${name}: JS ${us(best.js)} µs/frame, WASM ${us(best.wasm)} µs/frame, ${(best.js / best.wasm).toFixed(2)}× faster; outputs ${same}`);
}
console.log(`final load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
