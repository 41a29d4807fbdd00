import { describe, expect, it } from 'vitest';
import { beatShare, refineOffset } from '../../../electron/engine/search/beats';

/** A beat every 0.5 s (120 BPM) from 0 to 20 s. */
const beats = Array.from({ length: 41 }, (_, i) => i * 0.5);

describe('beatShare', () => {
  it('counts cuts landing within ±80 ms of a beat once shifted by the offset', () => {
    // At offset 1.0 the cuts land at 1.0 (on), 1.55 (50 ms off), 2.2 (200 ms off), 3.0 (on).
    expect(beatShare([0, 0.55, 1.2, 2.0], beats, 1.0)).toBe(0.75);
    // At offset 1.25 they land at 1.25, 1.8, 2.45 (50 ms off: the only hit) and 3.25.
    expect(beatShare([0, 0.55, 1.2, 2.0], beats, 1.25)).toBe(0.25);
  });

  it('uses ±80 ms as the boundary', () => {
    expect(beatShare([0.08], beats, 0)).toBe(1);
    expect(beatShare([0.09], beats, 0)).toBe(0);
    expect(beatShare([1.0], beats, 0.42)).toBe(1);
  });

  it('is 0 without cuts or without beats', () => {
    expect(beatShare([], beats, 0)).toBe(0);
    expect(beatShare([1, 2], [], 0)).toBe(0);
  });
});

describe('refineOffset', () => {
  it('moves the offset by the smallest shift that puts the cuts on beats', () => {
    // Cuts every second; at 0.27 they sit 230 ms off the grid; +0.16 brings them to 70 ms.
    const r = refineOffset([0, 1, 2], beats, 0.27);
    expect(r.beatShare).toBe(1);
    expect(r.offset).toBeCloseTo(0.43, 6);
  });

  it('keeps the offset when it is already best, and never goes below 0', () => {
    expect(refineOffset([0, 1], beats, 2.0)).toEqual({ offset: 2.0, beatShare: 1 });
    const r = refineOffset([0.25], beats, 0);
    expect(r.offset).toBeGreaterThanOrEqual(0);
    expect(r.beatShare).toBe(1);
  });

  it('scores exactly at the offset when the window is 0', () => {
    expect(refineOffset([0, 1, 2], beats, 0.27, 0)).toEqual({ offset: 0.27, beatShare: 0 });
  });
});
