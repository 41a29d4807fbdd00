/**
 * The loudness meter's two filter paths, the JavaScript loop and the WebAssembly kernel (documented
 * as bit for bit the same loop), read the same integrated loudness for the same sound — a seeded
 * mix of noise and tones, pushed in uneven pieces — at 48 and 44.1 kHz; and 20 dB more gain reads
 * exactly 20 LU louder on both (the measure is a mean square: linear in power).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useFrameKernel } from '../../../electron/engine/features/frame-kernel';
import { LoudnessMeter } from '../../../electron/engine/features/loudness';
import { createRng } from '../../../electron/engine/util/prng';

afterEach(() => useFrameKernel(true));

function sound(sampleRate: number, gain: number): Float32Array {
  const rng = createRng(sampleRate);
  return Float32Array.from({ length: Math.round(sampleRate * 4) }, (_, i) => {
    const t = i / sampleRate;
    return gain * (0.05 * (rng.next() - 0.5) + 0.03 * Math.sin(2 * Math.PI * 60 * t) + 0.02 * Math.sin(2 * Math.PI * 997 * t) + 0.02 * Math.sin(2 * Math.PI * 8000 * t));
  });
}

function measure(kernel: boolean, sampleRate: number, gain: number): number | null {
  useFrameKernel(kernel);
  const meter = new LoudnessMeter(sampleRate);
  const x = sound(sampleRate, gain);
  for (let at = 0; at < x.length; at += 7919) meter.push(x.subarray(at, Math.min(x.length, at + 7919)));
  return meter.integrated();
}

describe('LoudnessMeter paths', () => {
  for (const sampleRate of [48000, 44100]) {
    it(`JS path and kernel agree, and +20 dB reads +20 LU (${sampleRate} Hz)`, () => {
      const js = measure(false, sampleRate, 1);
      const kernel = measure(true, sampleRate, 1);
      expect(js).not.toBeNull();
      expect(js).toBe(kernel);
      expect(measure(false, sampleRate, 10)).toBeCloseTo(js! + 20, 1);
      expect(measure(true, sampleRate, 10)).toBeCloseTo(kernel! + 20, 1);
    });
  }
});
