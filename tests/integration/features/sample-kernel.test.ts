/**
 * The per-sample loops in WebAssembly (the loudness filters and the steps' sums of squares, in one
 * pass) must give bit for bit what their JS loops give, whatever the input's chunking (pieces longer than the
 * kernel's input are split, their sums carried over), and the true values on inputs whose answer
 * is known exactly.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AudioFeatureExtractor } from '../../../electron/engine/features/audio';
import { SampleKernel, useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { LoudnessMeter } from '../../../electron/engine/features/loudness';
import { AUDIO_SPEC as S } from '../../../electron/engine/features/spec';
import { createRng } from '../../../electron/engine/util/prng';

beforeAll(() => useFrameKernel(true));
afterEach(() => useFrameKernel(true));

/** Noise over 14 decades, tiny values, silence then loud spikes, a sine: 3.2 s each. */
function signals(seed: number): Record<string, Float32Array> {
  const rng = createRng(seed);
  const length = 70_000;
  return {
    wide: Float32Array.from({ length }, () => (2 * rng.next() - 1) * 10 ** (14 * rng.next() - 12)),
    tiny: Float32Array.from({ length }, () => (2 * rng.next() - 1) * 1e-30),
    silentThenSpikes: Float32Array.from({ length }, (_, i) => (i < length / 2 ? 0 : Math.sin(i * 0.3) * (rng.next() < 0.01 ? 8 : 0.5))),
    sine: Float32Array.from({ length }, (_, i) => 0.7 * Math.sin((2 * Math.PI * 440 * i) / S.sampleRate)),
  };
}

function bits(a: ArrayLike<number>): Buffer {
  return Buffer.from(Float64Array.from(a).buffer);
}

/** The meter's sub-block mean squares (private) and its integrated level, kernel on or off. */
function loudness(kernel: boolean, x: Float32Array, chunk: number): { blocks: Buffer; lufs: number | null } {
  useFrameKernel(kernel);
  const m = new LoudnessMeter(S.sampleRate);
  for (let i = 0; i < x.length; i += chunk) m.push(x.subarray(i, i + chunk));
  const inner = m as unknown as { subBlocks: Float64Array; subBlockCount: number };
  return { blocks: bits(inner.subBlocks.subarray(0, inner.subBlockCount)), lufs: m.integrated() };
}

function features(kernel: boolean, x: Float32Array, chunk: number): Buffer {
  useFrameKernel(kernel);
  const ex = new AudioFeatureExtractor(0);
  for (let i = 0; i < x.length; i += chunk) ex.push(x.subarray(i, i + chunk));
  const { seq, summary } = ex.finish();
  return Buffer.concat([Buffer.from(seq.data.buffer, seq.data.byteOffset, seq.data.byteLength), Buffer.from(JSON.stringify(summary))]);
}

describe('per-sample kernel', () => {
  it('adds squares exactly where the answer is exact, step by step, across pieces', () => {
    const k = SampleKernel.create()!;
    expect(k).not.toBeNull();
    const squares = (x: Float32Array, left: number, length: number): number[] => {
      const runs: number[] = [];
      k.loudnessStart([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
      k.push(x, 2205, () => undefined, { left, length, onRun: (ss) => runs.push(ss) });
      return runs;
    };
    // 40,000 samples of 0.5 (more than two of the kernel's pieces): quarters, exact in f64.
    expect(squares(new Float32Array(40_000).fill(0.5), 50_000, 50_000)).toEqual([10_000]);
    // 1,000 samples left in the first step, then steps of 16,000: runs of 1,000, 16,000, 16,000 and 7,000 samples.
    expect(squares(new Float32Array(40_000).fill(0.5), 1000, 16_000)).toEqual([250, 4000, 4000, 1750]);
    // Ending on a step's end: the step after it gets an empty run.
    expect(squares(Float32Array.of(3, 4), 2, 10)).toEqual([25, 0]);
  });

  for (const [name, x] of Object.entries(signals(17))) {
    it(`loudness sub-blocks and level are the JS loop's to the bit (${name}; whole, 1,237-sample and 40,000-sample pushes)`, () => {
      const js = loudness(false, x, x.length);
      for (const chunk of [x.length, 1237, 40_000]) {
        const w = loudness(true, x, chunk);
        expect(w.blocks.equals(js.blocks)).toBe(true);
        expect(w.lufs).toBe(js.lufs);
      }
    });

    it(`every descriptor and the summary are the JS path's to the bit (${name}; 777- and 30,000-sample pushes)`, () => {
      for (const chunk of [777, 30_000]) expect(features(true, x, chunk).equals(features(false, x, chunk))).toBe(true);
    });
  }

  it('measures a block shorter than 400 ms from the pending sums, as the JS path does', () => {
    const x = signals(3).sine.subarray(0, 5000); // two 100 ms sub-blocks and a part
    const js = loudness(false, x, 1000);
    const w = loudness(true, x, 1000);
    expect(w.lufs).not.toBeNull();
    expect(w.lufs).toBe(js.lufs);
    expect(w.blocks.equals(js.blocks)).toBe(true);
  });
});
