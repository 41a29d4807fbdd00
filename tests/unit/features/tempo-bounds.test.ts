// Tempo and beats against truths that do not depend on the estimators' design: the answer stays
// in the range asked for, a perfect pulse train is as sure as a tempo can be and noise makes it
// less so, beats follow a tempo that drifts, and the envelope's units do not matter.
import { describe, expect, it } from 'vitest';
import { LEVEL_DEFAULTS } from '../../../electron/engine/features/metrical-level';
import { detectTempo, estimateTempo, TEMPO_MIN_CONFIDENCE, trackBeats } from '../../../electron/engine/features/tempo';
import { createRng } from '../../../electron/engine/metric/prng';

/** The analysis frame rate (22050 Hz, hop 882). */
const RATE = 25;

/** Pulse times (s) from `phase` at `bpm`, the tempo moving linearly to `toBpm` over `seconds`. */
function train(bpm: number, seconds: number, phase = 0, toBpm = bpm): number[] {
  const times: number[] = [];
  for (let t = phase; t < seconds; t += 60 / (bpm + ((toBpm - bpm) * t) / seconds)) times.push(t);
  return times;
}

/** An onset envelope with a pulse at each time (of height `height(t)`, 1 by default), split between the two nearest frames by where it falls. */
function envelope(times: number[], seconds: number, height: (t: number) => number = () => 1): Float64Array {
  const env = new Float64Array(Math.round(seconds * RATE));
  for (const t of times) {
    const i = Math.floor(t * RATE);
    const f = t * RATE - i;
    if (i < env.length) env[i] += height(t) * (1 - f);
    if (i + 1 < env.length) env[i + 1] += height(t) * f;
  }
  return env;
}

describe('tempo range: the answer stays in [minBpm, maxBpm]', () => {
  const o = { ...LEVEL_DEFAULTS, minBpm: 60, maxBpm: 180 };

  it.each([
    [181.1, 180],
    [59.9, 60],
  ])('detectTempo: a %s BPM pulse train, just outside 60–180, reads as the nearest end (%i)', (bpm, end) => {
    const env = envelope(train(bpm, 20), 20);
    const t = detectTempo(env, env, RATE, o)!;
    expect(t.bpm).toBeGreaterThanOrEqual(60);
    expect(t.bpm).toBeLessThanOrEqual(180);
    expect(Math.abs(t.bpm - end)).toBeLessThanOrEqual(0.5);
  });

  it('estimateTempo: eighth notes at half strength under a 91 BPM beat read as 91 when their 182 BPM is above the maximum', () => {
    // The comb at 182 sees the eighths nearly as well as the comb at 91 sees the beats: the
    // octave rule would double, but 182 is outside 60–180.
    const beats = envelope(train(91, 20), 20);
    const eighths = envelope(train(91, 20, 30 / 91), 20);
    const t = estimateTempo(beats.map((v, i) => v + 0.5 * eighths[i]), RATE, 60, 180, 120)!;
    expect(t.bpm).toBeLessThanOrEqual(180);
    expect(Math.abs(t.bpm - 91)).toBeLessThanOrEqual(2);
  });
});

describe('tempo confidence in [0, 1]', () => {
  it.each([40, 60, 90, 120, 170, 240])('detectTempo: an even %i BPM pulse train is as clear as a tempo can be: confidence 1', (bpm) => {
    const env = envelope(train(bpm, 30), 30);
    expect(detectTempo(env, env, RATE)!.confidence).toBe(1);
  });

  it('detectTempo: seeded noise over a 100 BPM pulse train lowers the confidence, to under the threshold when it is 5 times the pulses; never below 0', () => {
    const rng = createRng(5);
    const noise = Float64Array.from({ length: 30 * RATE }, () => rng.next());
    const pulses = envelope(train(100, 30), 30);
    const at = (amount: number): number => {
      const env = pulses.map((v, i) => v + amount * noise[i]);
      return detectTempo(env, env, RATE)?.confidence ?? 0;
    };
    const [clean, noisy, buried] = [0, 1, 5].map(at);
    expect(clean).toBe(1);
    expect(noisy).toBeLessThan(clean);
    expect(buried).toBeLessThan(Math.min(noisy, TEMPO_MIN_CONFIDENCE));
    expect(buried).toBeGreaterThanOrEqual(0);
  });
});

describe('no tempo, no beats', () => {
  it('a single click has no tempo: nothing repeats', () => {
    const click = envelope([5], 20);
    expect(estimateTempo(click, RATE, 40, 240, 120)).toBeNull();
    expect(detectTempo(click, click, RATE)).toBeNull();
  });

  it('trackBeats at a tempo with no period (negative, NaN) gives no beats', () => {
    const env = envelope(train(100, 20), 20);
    expect(trackBeats(env, RATE, -100)).toEqual([]);
    expect(trackBeats(env, RATE, Number.NaN)).toEqual([]);
  });
});

describe('estimateTempo: the octave rule keeps the confidence of the tempo it reports', () => {
  it('a 240 BPM pulse train (the prior prefers 120, the rule doubles it) is as confident as a 120 BPM one', () => {
    const c = (bpm: number) => estimateTempo(envelope(train(bpm, 30), 30), RATE, 40, 240, 120)!;
    expect(c(240).bpm).toBeCloseTo(240, 1);
    expect(Math.abs(c(240).confidence - c(120).confidence)).toBeLessThanOrEqual(0.1);
  });
});

describe('trackBeats follows the music, not a rigid grid', () => {
  /** The largest distance in frames from a beat to the nearest pulse. */
  const worst = (beats: number[], times: number[]): number => Math.max(...beats.map((b) => Math.min(...times.map((t) => Math.abs(t * RATE - b)))));

  it('a tempo drifting from 90 to 110 BPM, tracked at 100: one beat on each pulse', () => {
    const times = train(90, 30, 0.3, 110);
    const beats = trackBeats(envelope(times, 30), RATE, 100);
    expect(beats.length).toBe(times.length);
    expect(worst(beats, times)).toBeLessThanOrEqual(1);
  });

  it('the envelope in other units (×1000, ×0.001) gives the same beats: under seeded noise, on a drifting tempo', () => {
    const rng = createRng(9);
    const times = train(95, 30, 0.3, 105);
    const env = envelope(times, 30).map((v) => v + 0.3 * rng.next());
    const beats = trackBeats(env, RATE, 100);
    expect(worst(beats, times)).toBeLessThanOrEqual(1);
    expect(beats.length).toBeGreaterThanOrEqual(times.length - 1);
    expect(trackBeats(env.map((v) => v * 1000), RATE, 100)).toEqual(beats);
    expect(trackBeats(env.map((v) => v * 0.001), RATE, 100)).toEqual(beats);
  });

  it('pulses at a fifth of the music\'s strength before and after it count as silence (no beats there); at four fifths they are music', () => {
    const times = train(100, 30, 0.3);
    const loud = times.filter((t) => t >= 5 && t < 25);
    const near = (frame: number, t: number): boolean => Math.abs(frame - t * RATE) <= 1;
    const quiet = trackBeats(envelope(times, 30, (t) => (t >= 5 && t < 25 ? 1 : 0.2)), RATE, 100);
    expect(near(quiet[0], loud[0]), `first beat at frame ${quiet[0]}`).toBe(true);
    expect(near(quiet.at(-1)!, loud.at(-1)!), `last beat at frame ${quiet.at(-1)}`).toBe(true);
    const softer = trackBeats(envelope(times, 30, (t) => (t >= 5 && t < 25 ? 1 : 0.8)), RATE, 100);
    expect(near(softer[0], times[0]), `first beat at frame ${softer[0]}`).toBe(true);
    expect(near(softer.at(-1)!, times.at(-1)!), `last beat at frame ${softer.at(-1)}`).toBe(true);
  });
});
