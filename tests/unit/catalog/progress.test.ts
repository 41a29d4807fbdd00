import { expect, it } from 'vitest';
import { ProgressMeter } from '../../../electron/engine/jobs/progress';
import { formatDuration, formatProgressBar, formatProgressLine } from '../../../scripts/cli/format';
import type { ProgressEvent } from '../../../electron/contract/types';

it('computes rate and ETA from an injected clock', () => {
  let now = 0;
  const m = new ProgressMeter('indexing', 10, () => now);
  expect(m.snapshot().etaSeconds).toBeNull();
  now = 30_000;
  m.tick(2);
  const s = m.tick(1);
  expect(s).toMatchObject({ done: 3, total: 10, perMinute: 6, elapsedSeconds: 30 });
  expect(s.etaSeconds).toBeCloseTo(70, 6);
});

it('formats durations as m:ss and h:mm:ss', () => {
  expect(formatDuration(null)).toBe('--:--');
  expect(formatDuration(65)).toBe('1:05');
  expect(formatDuration(3 * 3600 + 7)).toBe('3:00:07');
});

it('draws a bar that fits the width and fills with progress', () => {
  let now = 0;
  const m = new ProgressMeter('indexing', 6, () => now);
  now = 60_000;
  const snap = m.tick(3);
  // The CLI draws the engine's progress events: rate per second, ETA in seconds.
  const event: ProgressEvent = { type: 'progress', jobId: 'j', phase: 'indexing', done: snap.done, total: snap.total, rate: snap.perMinute / 60, eta: snap.etaSeconds, elapsed: snap.elapsedSeconds, item: '/x.mp3' };
  const half = formatProgressBar(event, 60);
  expect(half.length).toBeLessThanOrEqual(60);
  const inner = /\[([#.]+)\]/.exec(half)![1];
  expect(inner.split('#').length - 1).toBe(Math.round(inner.length / 2));
  expect(half).toContain('3/6 3.0/min ETA 1:00');
  expect(formatProgressLine(event)).toBe('indexing: 3/6 3.0/min ETA 1:00 /x.mp3');
});

it('says the count and the time, not a rate, from too few items; the last line says how long it took (session 17 F1.5)', () => {
  let now = 0;
  const m = new ProgressMeter('indexing', 1, () => now);
  now = 3_000;
  const one = m.tick();
  // One file in 3 s: a rate of 20/min and its ETA would be read as a measurement.
  expect(one).toMatchObject({ perMinute: 0, etaSeconds: 0, elapsedSeconds: 3 });
  const ev = (o: Partial<ProgressEvent>): ProgressEvent => ({ type: 'progress', jobId: 'j', phase: 'analyze', done: 0, total: 1, rate: 0, eta: null, elapsed: 0, ...o });
  expect(formatProgressLine(ev({ done: 1, total: 1, eta: 0, elapsed: 3, item: '/m/a.ogg' }))).toBe('analyze: 1/1 in 0:03 /m/a.ogg');
  expect(formatProgressLine(ev({ done: 1, total: 5, elapsed: 65 }))).toBe('analyze: 1/5 1:05 elapsed');
  // A finished phase with a rate that means something keeps it.
  expect(formatProgressLine(ev({ done: 120, total: 120, rate: 2, eta: 0, elapsed: 60 }))).toBe('analyze: 120/120 in 1:00 (120.0/min)');
});
