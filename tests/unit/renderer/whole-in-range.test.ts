/**
 * wholeInRange: what Explore's Length (2–200) and Settings' Indexing workers (1–64) keep of what is
 * typed (review R1.8). Expected values worked out by hand from the rule: round half up, then clamp;
 * nothing usable typed keeps the current value.
 */
import { describe, expect, it } from 'vitest';
import { wholeInRange } from '../../../renderer/lib/format';

describe('wholeInRange', () => {
  it('rounds, then clamps to the bounds', () => {
    const length = (typed: string): number => wholeInRange(typed, 2, 200, 12);
    expect(['5.5', '5.4', '4.5', '2', '1', '1.6', '0', '-3', '200', '200.4', '300', '1e1', ' 7 '].map(length)).toEqual([6, 5, 5, 2, 2, 2, 2, 2, 200, 200, 200, 10, 7]);
  });

  it('keeps the current value when nothing usable is typed', () => {
    expect(['', '   ', 'abc', 'Infinity', '-Infinity', 'NaN'].map((t) => wholeInRange(t, 1, 64, 3))).toEqual([3, 3, 3, 3, 3, 3]);
  });
});
