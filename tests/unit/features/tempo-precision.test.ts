// Tempo and beats against the construction of the envelope: a pulse train at a known BPM and
// phase (sub-frame exact), its beats on its pulses in order, its periodicity the same whatever
// the tempo, and the peak refinement against a score with a known maximum.
import { describe, expect, it } from 'vitest';
import { detectTempo, estimateTempo, refinePeak, trackBeats } from '../../../electron/engine/features/tempo';
import { LEVEL_DEFAULTS } from '../../../electron/engine/features/metrical-level';
import { createRng } from '../../../electron/engine/metric/prng';

/** Onset envelope at `rate` frames/s: a unit pulse every 60/bpm s from `phase` s, spread linearly over the two nearest frames. */
function pulses(bpm: number, seconds: number, rate: number, phase = 0, from = 0, to = seconds): Float64Array {
  const env = new Float64Array(Math.round(seconds * rate));
  for (let t = phase; t < seconds; t += 60 / bpm) {
    if (t < from || t >= to) continue;
    const x = t * rate;
    const i = Math.floor(x);
    const f = x - i;
    if (i < env.length) env[i] += 1 - f;
    if (i + 1 < env.length) env[i + 1] += f;
  }
  return env;
}

// 30 s at 50 frames/s: long lags (8 periods) give sub-frame precision, and the envelopes stay
// small enough for a mutation run to execute these tests for every mutant of tempo.ts.
describe('tempo precision: off the 0.5 BPM grid', () => {
  it.each([123.25, 97.8, 151.6])('estimateTempo reads a %s BPM pulse train to within 0.1 BPM', (bpm) => {
    const t = estimateTempo(pulses(bpm, 30, 50), 50, 40, 240, 120)!;
    expect(Math.abs(t.bpm - bpm)).toBeLessThanOrEqual(0.1);
  });

  it.each([123.25, 97.8, 151.6])('detectTempo reads a %s BPM pulse train to within 0.1 BPM', (bpm) => {
    const env = pulses(bpm, 30, 50);
    expect(Math.abs(detectTempo(env, env, 50)!.bpm - bpm)).toBeLessThanOrEqual(0.1);
  });
});

describe('short envelopes', () => {
  it('read the tempo from the harmonics that fit; slow tempi whose period does not fit are not candidates', () => {
    // 3 s at 25 frames/s: lags up to 1.5 s, so 40 BPM (1.5 s period) barely fits and slower ones do not.
    const env = pulses(150, 3, 25);
    expect(Math.abs(estimateTempo(env, 25, 30, 240, 120)!.bpm - 150)).toBeLessThanOrEqual(3);
    expect(Math.abs(detectTempo(env, env, 25, { ...LEVEL_DEFAULTS, minBpm: 30 })!.bpm - 150)).toBeLessThanOrEqual(3);
  });
});

describe('tempo confidence', () => {
  it('a perfect pulse train is as periodic at 60 or 200 BPM as at 120: the prior picks the octave, it does not lower the confidence', () => {
    const c = (bpm: number) => estimateTempo(pulses(bpm, 30, 50), 50, 40, 240, 120)!.confidence;
    const mid = c(120);
    expect(mid).toBeGreaterThan(0.5);
    expect(mid).toBeLessThanOrEqual(1);
    for (const bpm of [60, 75, 200]) expect(Math.abs(c(bpm) - mid), `${bpm} BPM`).toBeLessThanOrEqual(0.1);
  });

  it('on a short envelope too, where a slow tempo has room for fewer harmonics than a fast one', () => {
    // 10 s: lags up to 5 s, so 60 BPM fits 5 of its 8 harmonics and 120 BPM all 8.
    const c = (bpm: number) => estimateTempo(pulses(bpm, 10, 50), 50, 40, 240, 120)!.confidence;
    expect(Math.abs(c(60) - c(120))).toBeLessThanOrEqual(0.1);
  });

  it('a periodless envelope has a low confidence, and none is above 1', () => {
    const rng = createRng(7);
    const noise = Float64Array.from({ length: 1500 }, () => rng.next());
    const t = estimateTempo(noise, 50, 40, 240, 120);
    expect(t?.confidence ?? 0).toBeLessThan(0.3);
  });
});

describe('refinePeak', () => {
  /** A smooth score peaked at `at`, asymmetric so a mirrored search would miss it. */
  const peaked = (at: number) => (bpm: number) => (bpm < at ? -((at - bpm) ** 2) : -3 * (bpm - at) ** 2);

  it('finds a peak inside ±spread to within the fine step, on either side of the start', () => {
    expect(Math.abs(refinePeak(peaked(123.37), 120, 0.05) - 123.37)).toBeLessThanOrEqual(0.011);
    expect(Math.abs(refinePeak(peaked(116.61), 120, 0.05) - 116.61)).toBeLessThanOrEqual(0.011);
    // Within 0.5 of the start: only the fine search can place it.
    expect(Math.abs(refinePeak(peaked(120.23), 120, 0.05) - 120.23)).toBeLessThanOrEqual(0.011);
  });

  it('does not look past ±spread: a peak outside is approached from the window edge', () => {
    // Spread 1 % around 120: 118.8–121.2 coarse, then ±0.5 fine around the best coarse point (121).
    const r = refinePeak(peaked(130), 120, 0.01);
    expect(r).toBeGreaterThan(121.2);
    expect(r).toBeLessThanOrEqual(121.5 + 1e-9);
    const l = refinePeak(peaked(110), 120, 0.01);
    expect(l).toBeLessThan(118.8);
    expect(l).toBeGreaterThanOrEqual(118.3 - 1e-9);
  });

  it('keeps the start when it is the peak', () => {
    expect(refinePeak(peaked(120), 120, 0.05)).toBe(120);
  });
});

describe('trackBeats', () => {
  const RATE = 100;
  /** Frames of the pulses between from and to seconds. */
  const pulseFrames = (bpm: number, phase: number, from: number, to: number): number[] => {
    const out: number[] = [];
    for (let t = phase; t < to; t += 60 / bpm) if (t >= from) out.push(t * RATE);
    return out;
  };

  it('gives one beat per pulse, in time order, on the pulses, from a pulse at frame 0', () => {
    const env = pulses(100, 20, RATE);
    const beats = trackBeats(env, RATE, 100);
    const want = pulseFrames(100, 0, 0, 20);
    expect(beats.length).toBeGreaterThanOrEqual(want.length - 1);
    expect(beats.length).toBeLessThanOrEqual(want.length);
    for (let i = 1; i < beats.length; i++) expect(beats[i]).toBeGreaterThan(beats[i - 1]);
    for (const b of beats) expect(Math.min(...want.map((p) => Math.abs(p - b)))).toBeLessThanOrEqual(1);
    expect(beats[0]).toBe(0);
  });

  it('finds the pulses under seeded noise, with a phase off the frame grid', () => {
    const rng = createRng(3);
    const env = pulses(90, 30, RATE, 0.237).map((v) => v + 0.15 * rng.next());
    const beats = trackBeats(env, RATE, 90);
    const want = pulseFrames(90, 0.237, 0, 30);
    expect(beats.length).toBeGreaterThanOrEqual(want.length - 2);
    for (let i = 1; i < beats.length; i++) expect(beats[i]).toBeGreaterThan(beats[i - 1]);
    for (const b of beats) expect(Math.min(...want.map((p) => Math.abs(p - b)))).toBeLessThanOrEqual(1.5);
  });

  it('leaves out the silence before and after the music', () => {
    // Music from 5 s to 15 s of a 20 s envelope.
    const env = pulses(120, 20, RATE, 0, 5, 15);
    const beats = trackBeats(env, RATE, 120);
    const want = pulseFrames(120, 0, 5, 15);
    expect(beats[0]).toBeGreaterThanOrEqual(want[0] - 1);
    expect(beats.at(-1)!).toBeLessThanOrEqual(want.at(-1)! + 1);
    expect(beats.length).toBeGreaterThanOrEqual(want.length - 2);
  });
});
