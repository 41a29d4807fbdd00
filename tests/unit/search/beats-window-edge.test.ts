/**
 * refineOffset reaches the edge of its window: with a tolerance narrower than a step, the only
 * offset whose cut lands on the beat is a shift of exactly ±window (0.5 s = 25 steps of 0.02 s).
 */
import { expect, it } from 'vitest';
import { refineOffset } from '../../../electron/engine/search/beats';

it.each([
  { beat: 10.5, want: 10.5, what: 'later' },
  { beat: 9.5, want: 9.5, what: 'earlier' },
])('tries the shift of exactly the window ($what)', ({ beat, want }) => {
  // One cut at clip time 0; the track from 10 s puts it at 10 s, 0.5 s from the beat.
  const r = refineOffset([0], [beat], 10, 0.5, 0.02, 0.001);
  expect(r.beatShare).toBe(1);
  expect(r.offset).toBeCloseTo(want, 9);
});

it('goes no further than the window: with no hit, the edge of the window is as near as the start gets to the beat', () => {
  const r = refineOffset([0], [10.52], 10, 0.5, 0.02, 0.001);
  expect(r.beatShare).toBe(0);
  expect(r.offset).toBeCloseTo(10.5, 9);
});
