/**
 * Beats moved to their attacks on a click track built here: each beat lands within 3 ms of its
 * click, and two tracker beats that find the same click give one beat, not two.
 */
import { describe, expect, it } from 'vitest';
import { fineOnsetEnvelope, refineBeats } from '../../../electron/engine/fit/grid';

const SR = 22050;

/** 3 s of silence with a 2 ms alternating-sign click at each time. */
function clicks(times: number[]): Float32Array {
  const pcm = new Float32Array(3 * SR);
  for (const t of times) for (let i = 0; i < 44; i++) pcm[Math.round(t * SR) + i] = i % 2 ? -0.8 : 0.8;
  return pcm;
}

describe('refineBeats', () => {
  it('puts each beat on its click and merges two beats that found the same one', () => {
    const env = fineOnsetEnvelope(clicks([1, 2]));
    const one = refineBeats([1.01, 2.01], env, SR);
    expect(one).toHaveLength(2);
    one.forEach((b, i) => expect(Math.abs(b - (i + 1))).toBeLessThan(0.003));
    const doubled = refineBeats([1.01, 1.02, 2.01], env, SR);
    expect(doubled).toEqual(one);
  });
});
