/**
 * The search's documented boundaries, each at its exact edge: which of tied windows wins, when
 * a cut counts as on the beat, when a pace reads as "faster than the beat", when two scalars
 * "match". The expected answers are worked out by hand from the rules in the doc comments.
 */
import { describe, expect, it } from 'vitest';
import { bestAlignment } from '../../../electron/engine/search/align';
import { BEAT_TOLERANCE, beatShare } from '../../../electron/engine/search/beats';
import { explainMatch } from '../../../electron/engine/search/explain';
import type { ClipSummary } from '../../../electron/engine/search/types';
import { summary } from './synthetic';

describe('bestAlignment on exact ties', () => {
  it('gives the earliest of equally good window starts', () => {
    // m = 2 clip rows over n = 6 track rows, every similarity 0.5: all five windows tie.
    expect(bestAlignment(new Float32Array(12).fill(0.5), 2, 6)).toEqual({ alignScore: 0.5, start: 0 });
    // A track repeating with period 2: windows 1 and 3 both sum 1 + 1 (the diagonal i, j + i).
    const m = 2;
    const n = 5;
    const sims = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) sims[i * n + k] = (k - i) % 2 === 1 ? 1 : 0;
    expect(bestAlignment(sims, m, n)).toEqual({ alignScore: 1, start: 1 });
  });
});

describe('beatShare at the tolerance', () => {
  it('counts a cut exactly at the tolerance (plus the 1e-9 slop for rounding) and not beyond', () => {
    // One beat at 0 s, the track played from 0: a cut at time t lands t seconds from the beat.
    expect(beatShare([BEAT_TOLERANCE], [0], 0)).toBe(1);
    expect(beatShare([BEAT_TOLERANCE + 1e-9], [0], 0)).toBe(1);
    expect(beatShare([BEAT_TOLERANCE + 3e-9], [0], 0)).toBe(0);
    // Two of four cuts within reach of beats at 1 s and 2 s.
    expect(beatShare([0.5, 0.95, 2.08, 3], [1, 2], 0)).toBe(0.5);
  });

  it('gives 0 with no beats at all', () => {
    expect(beatShare([0, 1, 2], [], 0)).toBe(0);
  });
});

describe('explainMatch at its label boundaries', () => {
  const base: ClipSummary = { duration: 60, cuts: [], motion: 0.1, brightness: 0.5 };

  it('reads exactly 0.75 beats per cut as a cut every 0.8 beats, not as faster than the beat', () => {
    // Shots of 15 s at 3 BPM: 3 · 15 / 60 = 0.75 beats per cut, the boundary itself.
    const at = explainMatch({ ...base, cuts: [10, 25, 40] }, { summary: summary({ bpm: 3 }), mood: { brightness: 0.5 } });
    expect(at.pace.beatsPerCut).toBe(0.75);
    expect(at.pace.label).toMatch(/^a cut every 0\.8 beats/);
    // Shots of 12 s at 3 BPM: 0.6 beats per cut.
    const faster = explainMatch({ ...base, cuts: [10, 22, 34, 46] }, { summary: summary({ bpm: 3 }), mood: { brightness: 0.5 } });
    expect(faster.pace.label).toBe('cuts faster than the beat');
  });

  it('calls a difference of exactly 0.15 a match', () => {
    // 0.25 − 0.1 is exactly the double 0.15.
    expect(0.25 - 0.1).toBe(0.15);
    const why = explainMatch(base, { summary: summary({ energy: 0.25 }), mood: { brightness: 0.5 } });
    expect(why.energy.label).toBe('energy matches motion');
    const more = explainMatch(base, { summary: summary({ energy: 0.26 }), mood: { brightness: 0.5 } });
    expect(more.energy.label).toBe('music more energetic than the picture');
  });
});
