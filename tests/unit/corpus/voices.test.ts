/**
 * The corpus's instruments against closed-form truths: a note sounds at its pitch with the
 * harmonics its timbre is built from (a saw has every harmonic, a square only odd ones, the organ
 * its drawbar ratios), writes nothing after its release, and each drum rings for its length.
 * Harmonic amplitudes come from a single-bin DFT over whole periods of the steady part.
 */
import { describe, expect, it } from 'vitest';
import { rng } from '../../../electron/engine/corpus/rng';
import { playDrum, playNote, type VoiceSettings } from '../../../electron/engine/corpus/voices';

const SR = 44100;
// 441 Hz: exactly 100 samples a period, so a window of whole periods has no leakage.
const F0 = 441;

/** Amplitude of the sinusoid at `freq` in x[from, from + n) (n whole periods of it). */
function amplitudeAt(x: Float32Array, freq: number, from: number, n: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * freq * i) / SR;
    re += x[from + i] * Math.cos(a);
    im -= x[from + i] * Math.sin(a);
  }
  return (2 * Math.hypot(re, im)) / n;
}

function note(timbre: VoiceSettings['timbre'], brightness: number, seconds = 1): Float32Array {
  const out = new Float32Array(Math.round((seconds + 0.2) * SR));
  playNote(out, { start: 0, length: Math.round(seconds * SR), freq: F0, velocity: 1 }, { timbre, brightness, attack: 0.01, sampleRate: SR }, rng(7));
  return out;
}

/** Harmonic amplitudes 1..6 over 0.2–0.6 s (after the attack, before the release). */
const harmonics = (x: Float32Array): number[] => [1, 2, 3, 4, 5, 6].map((h) => amplitudeAt(x, h * F0, Math.round(0.2 * SR), 40 * 100));

describe('corpus voices', () => {
  it('a saw sounds at its pitch with its even harmonics; a square has only odd ones', () => {
    const saw = harmonics(note('saw', 1));
    const square = harmonics(note('square', 1));
    // A saw's harmonic k has amplitude 1/k of the fundamental (the low-pass at 12 f0 barely touches the 2nd).
    expect(saw[0]).toBeGreaterThan(0.3);
    expect(saw[1] / saw[0]).toBeGreaterThan(0.35);
    expect(saw[1] / saw[0]).toBeLessThan(0.55);
    expect(square[0]).toBeGreaterThan(0.3);
    expect(square[1] / square[0]).toBeLessThan(0.02);
    // Odd harmonic 3 of a square: 1/3 of the fundamental, less the low-pass at 9.5 f0.
    expect(square[2] / square[0]).toBeGreaterThan(0.2);
    expect(square[2] / square[0]).toBeLessThan(0.36);
  });

  it('the organ holds partials 1, 2, 3, 4, 6 in drawbar ratios 0.6 : 0.3 : 0.24 : 0.18 : 0.12 and no 5th', () => {
    const h = harmonics(note('organ', 1));
    const want = [0.6, 0.3, 0.24, 0.18, 0, 0.12];
    for (let k = 0; k < 6; k++) expect(h[k]).toBeCloseTo(want[k], 2);
    // At brightness 0 only the two lower drawbars remain.
    const dark = harmonics(note('organ', 0));
    expect(dark[0]).toBeCloseTo(0.6, 2);
    expect(dark[2] + dark[3] + dark[5]).toBeLessThan(0.005);
  });

  it('a note writes nothing after its 80 ms release, even after a longer note was played', () => {
    // A long note first, so any reuse of its envelope past the short note's end would show.
    playNote(new Float32Array(3 * SR), { start: 0, length: 2 * SR, freq: 220, velocity: 1 }, { timbre: 'organ', brightness: 1, attack: 0.01, sampleRate: SR }, rng(1));
    for (const timbre of ['organ', 'bell', 'saw'] as const) {
      const out = new Float32Array(SR);
      const length = 4410;
      playNote(out, { start: 100, length, freq: F0, velocity: 1 }, { timbre, brightness: 1, attack: 0.01, sampleRate: SR }, rng(1));
      const end = 100 + length + Math.round(0.08 * SR);
      expect(out.subarray(end).every((s) => s === 0), timbre).toBe(true);
      expect(out.subarray(0, 100).every((s) => s === 0), timbre).toBe(true);
      // It does sound while held.
      expect(Math.max(...out.subarray(100 + 2000, 100 + 3000).map(Math.abs)), timbre).toBeGreaterThan(0.2);
    }
  });

  it('each drum rings for its length: kick 0.35 s, snare 0.22 s, hat 0.06–0.14 s by punch', () => {
    const lengths: Record<string, number> = {};
    for (const [drum, punch, seconds] of [['kick', 0.5, 0.35], ['snare', 0.5, 0.22], ['hat', 1, 0.06], ['hat', 0, 0.14]] as const) {
      const out = new Float32Array(SR);
      playDrum(out, drum, 0, 1, punch, SR, rng(3));
      let last = -1;
      for (let i = 0; i < out.length; i++) if (out[i] !== 0) last = i;
      lengths[`${drum}${punch}`] = (last + 1) / SR;
      expect(last + 1, `${drum} at punch ${punch}`).toBeGreaterThan(seconds * SR - 10);
      expect(last + 1, `${drum} at punch ${punch}`).toBeLessThanOrEqual(Math.round(seconds * SR));
    }
    expect(Object.keys(lengths)).toHaveLength(4);
  });
});
