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
  const m = new ProgressMeter('indexing', 4, () => now);
  now = 60_000;
  const snap = m.tick(2);
  // The CLI draws the engine's progress events: rate per second, ETA in seconds.
  const event: ProgressEvent = { type: 'progress', jobId: 'j', phase: 'indexing', done: snap.done, total: snap.total, rate: snap.perMinute / 60, eta: snap.etaSeconds, item: '/x.mp3' };
  const half = formatProgressBar(event, 60);
  expect(half.length).toBeLessThanOrEqual(60);
  const inner = /\[([#.]+)\]/.exec(half)![1];
  expect(inner.split('#').length - 1).toBe(Math.round(inner.length / 2));
  expect(half).toContain('2/4 2.0/min ETA 1:00');
  expect(formatProgressLine(event)).toBe('indexing: 2/4 2.0/min ETA 1:00 /x.mp3');
});
