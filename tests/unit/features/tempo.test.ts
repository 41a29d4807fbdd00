import { describe, expect, it } from 'vitest';
import { detectTempo, estimateTempo, TEMPO_MIN_CONFIDENCE, trackBeats } from '../../../electron/engine/features/tempo';
import { createRng } from '../../../electron/engine/metric/prng';

const RATE = 25;

/** An onset envelope with a spike every `60/bpm` s (rounded to the frame grid, as real frames are). */
function pulses(bpm: number, seconds: number, offBeat = 0): Float64Array {
  const env = new Float64Array(Math.round(seconds * RATE));
  const period = 60 / bpm;
  for (let t = 0; t < seconds; t += period) {
    const i = Math.round(t * RATE);
    if (i < env.length) env[i] = 1;
    const j = Math.round((t + period / 2) * RATE);
    if (offBeat && j < env.length) env[j] = offBeat;
  }
  return env;
}

describe('estimateTempo', () => {
  it.each([60, 70, 90, 120, 140, 170, 240])('finds %i BPM from a pulse train without octave errors', (bpm) => {
    const t = estimateTempo(pulses(bpm, 30), RATE, 40, 240, 120);
    expect(t).not.toBeNull();
    expect(Math.abs(t!.bpm - bpm)).toBeLessThanOrEqual(2);
  });

  it('keeps the beat, not the eighth notes, when off-beats are weaker', () => {
    const t = estimateTempo(pulses(110, 30, 0.4), RATE, 40, 240, 120);
    expect(Math.abs(t!.bpm - 110)).toBeLessThanOrEqual(2);
  });

  it('returns null for a flat envelope and for one too short to hold a beat', () => {
    expect(estimateTempo(new Float64Array(500), RATE, 40, 240, 120)).toBeNull();
    expect(estimateTempo(new Float64Array(4).fill(1), RATE, 40, 240, 120)).toBeNull();
  });
});

describe('trackBeats', () => {
  it('puts one beat on each pulse', () => {
    const env = pulses(100, 20);
    const beats = trackBeats(env, RATE, 100);
    const pulsesAt = [...env.keys()].filter((i) => env[i] > 0);
    expect(beats.length).toBeGreaterThanOrEqual(pulsesAt.length - 2);
    for (const b of beats) expect(Math.min(...pulsesAt.map((p) => Math.abs(p - b)))).toBeLessThanOrEqual(1);
  });
});

/** A random envelope: onsets with no period. */
function noise(seconds: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: Math.round(seconds * RATE) }, () => rng.next());
}

describe('detectTempo (the summary tempo)', () => {
  it.each([40, 45, 50, 60, 90, 120, 170, 200, 220, 240])('reads an even %i BPM pulse train as %i, octave boundaries included', (bpm) => {
    const env = pulses(bpm, 30);
    const t = detectTempo(env, env, RATE);
    expect(Math.abs(t!.bpm - bpm) / bpm).toBeLessThanOrEqual(0.02);
    expect(t!.confidence).toBeGreaterThanOrEqual(TEMPO_MIN_CONFIDENCE);
  });

  it.each([60, 80, 110])('keeps %i BPM when eighth notes between the beats are weaker', (bpm) => {
    const env = pulses(bpm, 30, 0.4);
    expect(Math.abs(detectTempo(env, env, RATE)!.bpm - bpm) / bpm).toBeLessThanOrEqual(0.02);
  });

  it('drops to 60 when every other pulse of a 120 BPM train is weak in the accents (a backbeat), not in the onsets', () => {
    const onset = pulses(120, 30);
    const accent = pulses(60, 30, 0.2);
    expect(Math.abs(detectTempo(onset, accent, RATE)!.bpm - 60)).toBeLessThanOrEqual(1.2);
    // The same onsets with even accents stay at 120.
    expect(Math.abs(detectTempo(onset, onset, RATE)!.bpm - 120)).toBeLessThanOrEqual(2.4);
  });

  it('gives a periodless envelope a confidence under the threshold, a pulse train one above', () => {
    for (const seed of [1, 2, 3]) {
      const env = noise(30, seed);
      expect(detectTempo(env, env, RATE)?.confidence ?? 0).toBeLessThan(TEMPO_MIN_CONFIDENCE);
    }
    expect(detectTempo(pulses(100, 30), pulses(100, 30), RATE)!.confidence).toBeGreaterThan(0.5);
  });

  it('returns null for a flat envelope and for one too short to hold a beat', () => {
    expect(detectTempo(new Float64Array(500), new Float64Array(500), RATE)).toBeNull();
    expect(detectTempo(new Float64Array(4).fill(1), new Float64Array(4).fill(1), RATE)).toBeNull();
  });
});
