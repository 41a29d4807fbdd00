/**
 * AudioFeatureExtractor on PCM built in memory (no decoding), pushed in chunks that do not line up
 * with its 0.5 s steps, against closed-form truths: a sine's RMS level per step and its spectral
 * centroid at its frequency, the dynamic range of a signal at two known levels, the chord-change
 * flux between two triads, and the triad shares of hand-made chroma vectors.
 */
import { describe, expect, it } from 'vitest';
import { AudioFeatureExtractor, triadShares, type AudioFeatures } from '../../../electron/engine/features/audio';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';

const SR = AUDIO_SPEC.sampleRate;
const STEP = Math.round(AUDIO_SPEC.step * SR);
const col = (name: string): number => AUDIO_SPEC.names.indexOf(name);

/** Sum of sines (Hz) at `amp` each over `steps` whole steps, starting at sample `from`. */
function tones(freqs: readonly number[], amp: number, steps: number, from = 0): Float32Array {
  const x = new Float32Array(steps * STEP);
  for (let i = 0; i < x.length; i++) for (const f of freqs) x[i] += amp * Math.sin((2 * Math.PI * f * (from + i)) / SR);
  return x;
}

/** Push `pcm` in chunks of an awkward size (not a divisor of the step), then finish. */
function extract(pcm: Float32Array, chunk = 3001): AudioFeatures {
  const ex = new AudioFeatureExtractor();
  for (let i = 0; i < pcm.length; i += chunk) ex.push(pcm.subarray(i, Math.min(pcm.length, i + chunk)));
  return ex.finish();
}

const concat = (a: Float32Array, b: Float32Array): Float32Array => {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

describe('audio descriptors per step', () => {
  it("reads each step's RMS level and the dynamic range of a signal at two levels 20 dB apart", () => {
    const loud = tones([1000], 0.5, 6);
    const quiet = tones([1000], 0.05, 6, loud.length);
    const { seq, summary } = extract(concat(loud, quiet));
    expect(seq.T).toBe(12);
    const rms = Array.from({ length: seq.T }, (_, k) => seq.data[k * seq.D + col('rms_db')]);
    // A sine of amplitude a has RMS a / √2.
    for (let k = 0; k < 6; k++) expect(rms[k], `step ${k}`).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 2);
    for (let k = 6; k < 12; k++) expect(rms[k], `step ${k}`).toBeCloseTo(20 * Math.log10(0.05 / Math.SQRT2), 2);
    expect(summary.dynamicRangeDb).toBeCloseTo(20, 1);
    expect(summary.energy).toBeCloseTo((0.5 + 0.05) / 2 / Math.SQRT2, 3);
  });

  it('puts the spectral centroid of a pure tone at its frequency in every step', () => {
    for (const f of [500, 2000]) {
      const { seq } = extract(tones([f], 0.3, 5));
      for (let k = 1; k < seq.T - 1; k++) expect(seq.data[k * seq.D + col('centroid_hz')] / f, `${f} Hz, step ${k}`).toBeGreaterThan(0.95);
      for (let k = 1; k < seq.T - 1; k++) expect(seq.data[k * seq.D + col('centroid_hz')] / f, `${f} Hz, step ${k}`).toBeLessThan(1.05);
    }
  });

  it('chord flux is near 0 while a triad holds and large where C major changes to F♯ major', () => {
    const cMajor = [261.63, 329.63, 392.0];
    const fSharpMajor = [369.99, 466.16, 554.37];
    const a = tones(cMajor, 0.2, 4);
    const { seq } = extract(concat(a, tones(fSharpMajor, 0.2, 4, a.length)));
    const flux = Array.from({ length: seq.T }, (_, k) => seq.data[k * seq.D + col('chroma_flux')]);
    expect(flux[0]).toBe(0);
    for (const k of [1, 2, 5, 6, 7]) expect(flux[k], `step ${k}`).toBeLessThan(0.1);
    // C–E–G and F♯–A♯–C♯ share no pitch class: the chroma vectors are nearly orthogonal.
    expect(flux[4]).toBeGreaterThan(0.6);
    // Both are major triads.
    for (const k of [1, 6]) expect(seq.data[k * seq.D + col('triad_major')]).toBeGreaterThan(seq.data[k * seq.D + col('triad_minor')]);
  });
});

describe('triadShares', () => {
  it('gives a major triad all of the major share and 2/3 of the minor one, and the reverse for a minor triad', () => {
    const chroma = (...pcs: number[]): number[] => Array.from({ length: 12 }, (_, i) => (pcs.includes(i) ? 1 : 0));
    const c = triadShares(chroma(0, 4, 7));
    expect(c.major).toBeCloseTo(1, 12);
    expect(c.minor).toBeCloseTo(2 / 3, 12);
    // A minor (A, C, E) wraps around the octave.
    const am = triadShares(chroma(9, 0, 4));
    expect(am.minor).toBeCloseTo(1, 12);
    expect(am.major).toBeCloseTo(2 / 3, 12);
    expect(triadShares(new Array<number>(12).fill(0))).toEqual({ major: 0, minor: 0 });
  });
});
