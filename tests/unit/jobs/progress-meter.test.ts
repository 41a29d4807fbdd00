// Progress on a clock that does not start at 0 (a real clock never does): elapsed time is
// measured from the meter's creation. Truths by hand: 3 items in 30 s = 6 a minute, 7 left = 70 s.
import { expect, it } from 'vitest';
import { ProgressMeter } from '../../../electron/engine/jobs/progress';

it('measures elapsed time from its creation, not from the clock zero', () => {
  let now = 1_000_000;
  const m = new ProgressMeter('hashing', 10, () => now);
  expect(m.snapshot()).toMatchObject({ done: 0, elapsedSeconds: 0, perMinute: 0, etaSeconds: null });
  now += 30_000;
  const s = m.tick(3);
  expect(s).toMatchObject({ label: 'hashing', done: 3, total: 10, elapsedSeconds: 30, perMinute: 6 });
  expect(s.etaSeconds).toBeCloseTo(70, 9);
  // Past the total: nothing left, not a negative ETA.
  now += 90_000;
  expect(m.tick(9).etaSeconds).toBe(0);
});

it('gives no rate from fewer than 3 items or under 2 s, only the time elapsed', () => {
  let now = 5_000;
  const m = new ProgressMeter('hashing', 10, () => now);
  now += 30_000;
  expect(m.tick(2)).toMatchObject({ done: 2, elapsedSeconds: 30, perMinute: 0, etaSeconds: null });
  const fast = new ProgressMeter('hashing', 8, () => now);
  now += 10;
  // 8 hashes in 10 ms are not 48,000 a minute; all done is all done.
  expect(fast.tick(8)).toMatchObject({ done: 8, perMinute: 0, etaSeconds: 0 });
});
