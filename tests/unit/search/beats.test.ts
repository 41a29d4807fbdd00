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
  it('moves the offset to where the start and the cuts sit on beats', () => {
    // Cuts every second; at 0.27 they sit 230 ms off the grid; +0.16 brings them within 70 ms. The
    // 20 ms grid from 0.27 has no 0.5: 0.49 and 0.51 are each 10 ms off, and +0.22 is the smaller shift.
    const r = refineOffset([0, 1, 2], beats, 0.27);
    expect(r.beatShare).toBe(1);
    expect(r.offset).toBeCloseTo(0.49, 6);
  });

  it('without cuts, starts the music on the nearest beat within the window (review R25)', () => {
    // The 1 s grid put Drum-bass 0.36 s past a beat of a 0.88 s period: back onto it.
    const drum = Array.from({ length: 20 }, (_, i) => 0.12 + i * 0.88);
    expect(refineOffset([], drum, 3).offset).toBeCloseTo(2.76, 6);
    expect(refineOffset([], beats, 7).offset).toBe(7); // already on a beat
  });

  it('counts the cuts too when it weighs how close to beats a candidate sits, not the start alone', () => {
    // Beats at 10 and 10.56, one cut 0.5 s in: from 10.00 to 10.06 the start and the cut sit 0.06 s from
    // beats between them (start + cut distances sum to 0.06 everywhere there), so the smallest shift (none)
    // keeps 10.02; by the start alone, 10.00 would win.
    const r = refineOffset([0.5], [10, 10.56], 10.02);
    expect(r.beatShare).toBe(1);
    expect(r.offset).toBeCloseTo(10.02, 9);
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
