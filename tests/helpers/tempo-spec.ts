// Seeded onset envelopes for the tempo specification tests, and the comb of the descriptor spec
// written out plainly (the autocorrelation at the first 8 multiples of the period over the
// lag-0 energy), which estimateTempo and detectTempo both score tempos with.
import type { Rng } from '../../electron/engine/util/prng';

/** The analysis frame rate (22050 Hz, hop 882). */
export const RATE = 25;

/** A pulse every 60/bpm s from `phase` s, the tempo moving linearly to `toBpm`, split over the two nearest frames. */
export function pulses(frames: number, bpm: number, phase: number, toBpm = bpm, height: () => number = () => 1): Float64Array {
  const env = new Float64Array(frames);
  const seconds = frames / RATE;
  for (let t = phase; t < seconds; t += 60 / (bpm + ((toBpm - bpm) * t) / seconds)) {
    const x = t * RATE;
    const i = Math.floor(x);
    const h = height();
    env[i] += h * (1 - (x - i));
    if (i + 1 < frames) env[i + 1] += h * (x - i);
  }
  return env;
}

export type Kind = 'train' | 'noisy' | 'accented' | 'drift' | 'padded' | 'noise' | 'silence' | 'short';

/** A seeded envelope of the kind, and a BPM to follow (near the music's, or anywhere in 40–240). */
export function envelopeOf(kind: Kind, rng: Rng): { env: Float64Array; bpm: number } {
  const bpm = 40 + 200 * rng.next();
  const phase = (rng.next() * 60) / bpm;
  const frames = kind === 'short' ? 3 + Math.floor(rng.next() * 60) : Math.round((8 + 20 * rng.next()) * RATE);
  const follow = rng.next() < 0.5 ? bpm : 40 + 200 * rng.next();
  switch (kind) {
    case 'train':
    case 'short':
      return { env: pulses(frames, bpm, phase), bpm: follow };
    case 'noisy': {
      const amount = 2 * rng.next();
      return { env: pulses(frames, bpm, phase).map((v) => v + amount * rng.next()), bpm: follow };
    }
    case 'accented':
      return { env: pulses(frames, bpm, phase, bpm, () => 0.2 + rng.next()), bpm: follow };
    case 'drift':
      return { env: pulses(frames, bpm, phase, Math.min(240, Math.max(40, bpm * (0.8 + 0.4 * rng.next())))), bpm };
    case 'padded': {
      const music = pulses(frames, bpm, phase);
      const lead = Math.floor(rng.next() * 4 * RATE);
      const env = new Float64Array(lead + frames + Math.floor(rng.next() * 4 * RATE));
      env.set(music, lead);
      return { env, bpm: follow };
    }
    case 'noise':
      return { env: Float64Array.from({ length: frames }, () => rng.next() ** 3), bpm: follow };
    case 'silence':
      return { env: new Float64Array(frames), bpm: follow };
  }
}

export const kinds: Kind[] = ['train', 'noisy', 'accented', 'drift', 'padded', 'noise', 'silence', 'short'];

/** The comb of `env` at a BPM, lags up to 8 periods of `minBpm` and half the envelope; −∞ when no multiple fits. */
export function referenceComb(env: Float64Array, rate: number, minBpm: number): (bpm: number) => number {
  const n = env.length;
  const mean = env.reduce((a, v) => a + v, 0) / n;
  const known = new Map<number, number>();
  const r = (lag: number): number => {
    if (!known.has(lag)) {
      let s = 0;
      for (let i = 0; i + lag < n; i++) s += (env[i] - mean) * (env[i + lag] - mean);
      known.set(lag, s);
    }
    return known.get(lag)!;
  };
  const maxLag = Math.min(Math.ceil(8 * ((60 * rate) / minBpm)), Math.floor(n / 2));
  const energy = r(0);
  return (bpm: number): number => {
    const period = (60 * rate) / bpm;
    const values: number[] = [];
    for (let h = 1; h <= 8; h++) {
      const lag = h * period;
      if (lag > maxLag) break;
      const i = Math.floor(lag);
      values.push(r(i) * (1 - (lag - i)) + r(i + 1) * (lag - i));
    }
    return values.length === 0 ? -Infinity : values.reduce((a, v) => a + v, 0) / values.length / energy;
  };
}
