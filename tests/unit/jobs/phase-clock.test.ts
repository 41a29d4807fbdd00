// The clock the engine's jobs and the scripts' status lines time their phases with, on a clock the
// test moves by hand. Truths by hand: 4 items in 2 s = 2 a second, 6 left = 3 s.
import { expect, it } from 'vitest';
import { PhaseClock } from '../../../electron/engine/jobs/progress';

it('times each phase from its own start; a phase whose first report already counts an item began at the report before', () => {
  let now = 10_000;
  const clock = new PhaseClock(() => now);
  now += 500;
  // The first report of the first phase counts one item: it began when the clock started.
  expect(clock.report('corpus', 1, 10)).toEqual({ phase: 'corpus', done: 1, total: 10, rate: 0, eta: null, elapsed: 0.5, newPhase: true });
  now += 1_500;
  expect(clock.report('corpus', 4, 10)).toEqual({ phase: 'corpus', done: 4, total: 10, rate: 2, eta: 3, elapsed: 2, newPhase: false });
  now += 3_000;
  expect(clock.report('corpus', 10, 10)).toMatchObject({ done: 10, eta: 0, elapsed: 5, newPhase: false });
  // The next phase's first report counts 2 already: it began at the last report (5 s in), not now.
  now += 1_000;
  expect(clock.report('match', 2, 3)).toEqual({ phase: 'match', done: 2, total: 3, rate: 0, eta: null, elapsed: 1, newPhase: true });
  // One starting at 0 begins now.
  now += 7_000;
  expect(clock.report('embed', 0, 5)).toMatchObject({ elapsed: 0, newPhase: true });
});

it('gives no rate or ETA from fewer than 3 items or under 2 s; all done is ETA 0 however fast', () => {
  let now = 0;
  const clock = new PhaseClock(() => now, 0);
  now += 30_000;
  expect(clock.report('hash', 2, 10)).toMatchObject({ rate: 0, eta: null, elapsed: 30 });
  now += 10;
  expect(clock.report('analyze', 8, 8)).toMatchObject({ rate: 0, eta: 0 });
  // A time given with the report (the job table reads its clock once per report) is the one used.
  expect(clock.report('analyze', 8, 8, 30_010 + 4_000)).toMatchObject({ elapsed: 4.01, rate: 8 / 4.01 });
});
