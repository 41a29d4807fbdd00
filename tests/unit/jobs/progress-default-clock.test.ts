/**
 * The progress meter and the phase clock on their default clock (performance.now), as the engine and
 * the scripts use them: times elapsed are real seconds, from 0 and growing, never NaN. Truth: the
 * time this test itself waits, measured with Date.now() around it.
 */
import { expect, it } from 'vitest';
import { PhaseClock, ProgressMeter } from '../../../electron/engine/jobs/progress';

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

it('ProgressMeter and PhaseClock time on the real clock when given none', async () => {
  const t0 = Date.now();
  const meter = new ProgressMeter('hash', 10);
  const clock = new PhaseClock();
  await wait(60);
  const snap = meter.tick();
  // A first report that already counts an item: its phase began when the clock started.
  const counts = clock.report('hash', 1, 10);
  const waited = (Date.now() - t0) / 1000;
  for (const elapsed of [snap.elapsedSeconds, counts.elapsed]) {
    // At least the 60 ms waited (less a millisecond of the two clocks' rounding), at most what Date.now() saw.
    expect(elapsed).toBeGreaterThanOrEqual(0.059);
    expect(elapsed).toBeLessThanOrEqual(waited + 0.002);
  }
});
