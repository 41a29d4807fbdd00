import { describe, expect, it } from 'vitest';
import { estimateTempo, trackBeats } from '../../../electron/engine/features/tempo';

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
  it.each([60, 70, 90, 120, 140, 170])('finds %i BPM from a pulse train without octave errors', (bpm) => {
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
