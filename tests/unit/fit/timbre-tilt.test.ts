/**
 * A fit's per-beat timbre is the cepstrum of the log-mel spectrum (DCT-II, coefficients 1…12). Its
 * first coefficient weighs the low bands by cos(π(b + ½)/m) > 0 and the high bands by < 0, so the
 * same music made darker (low-passed: the high bands drop by many dB) must read a larger
 * first coefficient on every beat, and the music itself a nonzero one.
 */
import { describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { TIMBRE_DIMS } from '../../../electron/engine/fit/types';
import { synthTrack } from './synth-track';

/** Four passes of a one-pole low-pass at about 300 Hz (22.05 kHz): −24 dB/octave well above it. */
function darker(pcm: Float32Array): Float32Array {
  const a = Math.exp((-2 * Math.PI * 300) / 22050);
  let x = Float32Array.from(pcm);
  for (let pass = 0; pass < 4; pass++) {
    const y = new Float32Array(x.length);
    let prev = 0;
    for (let i = 0; i < x.length; i++) prev = y[i] = (1 - a) * x[i] + a * prev;
    x = y;
  }
  return x;
}

describe('per-beat timbre', () => {
  it('the darker version of the same music has the larger first cepstral coefficient on every beat', () => {
    const s = synthTrack({ bars: 4, ending: false, bpm: 120 });
    const known = { beats: s.beats, bpm: 120 };
    const bright = gridFromPcm('bright.wav', s.pcm, known);
    const dark = gridFromPcm('dark.wav', darker(s.pcm), known);
    expect(dark.beats.length).toBe(bright.beats.length);
    const c1 = (g: typeof bright, k: number): number => g.features.timbre[k * TIMBRE_DIMS];
    for (let k = 0; k < bright.beats.length; k++) {
      expect(c1(bright, k), `beat ${k}`).not.toBe(0);
      // Measured 0.6–1.6 here (the dB floor caps how far the high bands can fall).
      expect(c1(dark, k) - c1(bright, k), `beat ${k}`).toBeGreaterThan(0.3);
    }
  });
});
