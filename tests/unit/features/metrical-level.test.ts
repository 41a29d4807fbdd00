import { describe, expect, it } from 'vitest';
import { chooseLevel, subdivisionRatio } from '../../../electron/engine/features/metrical-level';

const RATE = 25;

/** Beats every 60/bpm s at strength 1, `div` − 1 evenly spaced pulses of strength `between` in each gap. */
function train(bpm: number, seconds: number, div: number, between: number): Float64Array {
  const env = new Float64Array(Math.round(seconds * RATE));
  const period = 60 / bpm;
  for (let t = 0; t < seconds; t += period) {
    for (let k = 0; k < div; k++) {
      const i = Math.round((t + (k * period) / div) * RATE);
      if (i < env.length) env[i] = Math.max(env[i], k === 0 ? 1 : between);
    }
  }
  return env;
}

describe('subdivisionRatio', () => {
  it.each([
    [60, 2, 0.3],
    [90, 2, 0.7],
    [50, 3, 0.5],
  ] as const)('at %i BPM with %i-fold pulses of strength %f between the beats measures that strength', (bpm, div, between) => {
    const r = subdivisionRatio(train(bpm, 30, div, between), (60 * RATE) / bpm, div, 8 * RATE);
    expect(r).toBeCloseTo(between, 1);
  });
});

describe('chooseLevel', () => {
  it('walks down from the eighth notes to a 60 BPM beat whose off-beats are weak', () => {
    const env = train(60, 30, 2, 0.25);
    expect(chooseLevel(120, env, env, RATE).bpm).toBeCloseTo(60, 5);
  });

  it('walks up from a half-tempo guess to 200 BPM when every pulse is equal (a 200 BPM click)', () => {
    const env = train(200, 30, 1, 0);
    expect(chooseLevel(100, env, env, RATE).bpm).toBeCloseTo(200, 5);
  });

  it('keeps a 3/4 beat at 90 over its bar when the second and third beats are only a little weaker', () => {
    const env = train(30, 30, 3, 0.8);
    expect(chooseLevel(90, env, env, RATE).bpm).toBeCloseTo(90, 5);
  });

  /** `bpm` beats cycling through `strengths`, evenly spaced within each beat (a bar's pattern of pulses). */
  function bar(bpm: number, seconds: number, strengths: number[]): Float64Array {
    const env = new Float64Array(Math.round(seconds * RATE));
    const step = 60 / bpm / strengths.length;
    for (let k = 0; k * step < seconds; k++) {
      const i = Math.round(k * step * RATE);
      if (i < env.length) env[i] = strengths[k % strengths.length];
    }
    return env;
  }

  // A 130 BPM beat over eighth notes, its bar's accent on beats 1 and 3: the second and fourth
  // beats are weaker (0.4) than the downbeat, as a kick outweighs a snare in real recordings,
  // but the eighth notes (0.3) say 130 is the level the music moves in. The old walk took the
  // weak beats for subdivisions and read 65 (Vibe Ace, Choice).
  it('keeps a 130 BPM beat that has eighth notes of its own over a slower level whose off-beats are only the weaker beats', () => {
    const env = bar(65, 30, [1, 0.3, 0.4, 0.3]);
    expect(chooseLevel(130, env, env, RATE).bpm).toBeCloseTo(130, 5);
    expect(chooseLevel(65, env, env, RATE).bpm).toBeCloseTo(130, 5);
  });

  it('still drops a 130 BPM level without pulses of its own to a 65 BPM beat whose off-beats are weak', () => {
    const env = bar(65, 30, [1, 0.1, 0.4, 0.1]);
    expect(chooseLevel(130, env, env, RATE).bpm).toBeCloseTo(65, 5);
  });

  it('is surer of a clear accent than of one near its threshold', () => {
    const clear = train(60, 30, 2, 0.1);
    const near = train(60, 30, 2, 0.4);
    expect(chooseLevel(120, clear, clear, RATE).margin).toBeGreaterThan(chooseLevel(120, near, near, RATE).margin);
  });
});

describe('onsets between frames (a 120 BPM track at 25 frames/s: beats 12.5 frames apart)', () => {
  /** Equal pulses every `period` frames, each pulse's mass shared linearly by the two frames around it (as a flux envelope does). */
  function split(period: number, seconds: number, phase: number): Float64Array {
    const env = new Float64Array(Math.round(seconds * RATE));
    for (let t = phase; t < env.length - 1; t += period) {
      const i = Math.floor(t);
      const f = t - i;
      env[i] += 1 - f;
      env[i + 1] += f;
    }
    return env;
  }

  it.each([0, 0.25, 3])('sees every beat as equally strong at phase %f (a frame-aligned downbeat leaves beats 2 and 4 on half frames)', (phase) => {
    const env = split(12.5, 30, phase);
    // The true ratio of equal pulses is 1; a single-frame reading saw the half-frame ones at 0.5.
    expect(subdivisionRatio(env, 25, 2, 8 * RATE)).toBeGreaterThan(0.9);
    expect(chooseLevel(120, env, env, RATE).bpm).toBeCloseTo(120, 5);
  });
});
