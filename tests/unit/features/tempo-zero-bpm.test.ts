import { describe, expect, it } from 'vitest';
import { trackBeats } from '../../../electron/engine/features/tempo';

describe('trackBeats at 0 BPM', () => {
  // The period is then infinite: it threw "Invalid array length" instead of giving no beats.
  it('gives no beats, and still tracks a real tempo on the same envelope', () => {
    const rate = 50;
    const env = new Float64Array(20 * rate);
    for (let i = 0; i < env.length; i += rate / 2) env[i] = 1; // 120 BPM pulses
    expect(trackBeats(env, rate, 0)).toEqual([]);
    const beats = trackBeats(env, rate, 120);
    expect(beats.length).toBeGreaterThan(30);
    for (const b of beats) expect(b % (rate / 2)).toBe(0);
  });
});
