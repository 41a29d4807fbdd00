/**
 * Beat-to-beat distances on a hand-made grid of 12 beats (C major and A minor bars, two levels):
 * a distance, so symmetric with a zero diagonal; zero between beats with the same descriptors,
 * positive between beats that differ.
 */
import { describe, expect, it } from 'vitest';
import { beatDistances } from '../../../electron/engine/fit/splices';
import { TIMBRE_DIMS, type TrackGrid } from '../../../electron/engine/fit/types';

function grid(): TrackGrid {
  const n = 12;
  const cMajor = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0];
  const aMinor = [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0];
  // Bars of 4 beats: C, Am, C; the middle bar 6 dB quieter.
  const bar = (k: number): number => Math.floor(k / 4);
  return {
    file: 'hand.wav',
    duration: 6,
    bpm: 120,
    beats: Array.from({ length: n }, (_, k) => k * 0.5),
    beatsPerBar: 4,
    downbeatPhase: 0,
    phraseBars: 4,
    hasEnding: false,
    end: 6,
    features: {
      chroma: Float32Array.from(Array.from({ length: n }, (_, k) => (bar(k) === 1 ? aMinor : cMajor)).flat()),
      rmsDb: Float32Array.from({ length: n }, (_, k) => (bar(k) === 1 ? -26 : -20)),
      timbre: new Float32Array(n * TIMBRE_DIMS),
      onset: new Float32Array(n),
    },
  };
}

describe('beatDistances', () => {
  it('is symmetric with a zero diagonal, 0 between like beats and positive between unlike ones', () => {
    const n = 12;
    const D = beatDistances(grid());
    expect(D).toHaveLength(n * n);
    for (let a = 0; a < n; a++) {
      expect(D[a * n + a]).toBe(0);
      for (let b = 0; b < n; b++) {
        expect(D[a * n + b], `${a}, ${b}`).toBe(D[b * n + a]);
        const like = Math.floor(a / 4) === 1 === (Math.floor(b / 4) === 1);
        if (like) expect(D[a * n + b], `${a}, ${b}`).toBeCloseTo(0, 9);
        else expect(D[a * n + b], `${a}, ${b}`).toBeGreaterThan(0);
      }
    }
  });
});
