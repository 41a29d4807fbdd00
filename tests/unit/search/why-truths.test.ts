/**
 * The match why against truths known by construction (review R3.1, R3.3, R3.6). Pace: cut times laid
 * on a track's beat grid by the synthetic corpus's own generator (corpus/plan.ts cutTimes, whose
 * manifest holds each pair's beatsPerCut), at the reviewer's tempos and shot lengths (needledrop
 * corpus --pairs 10 --seed 7): the why said 6.0 for shots of 4 beats and 9.7 for 8, counting cuts
 * over the clip's length. Levels: one value near a rounding edge is shown the same in the clip's
 * summary line and in every why (the CLI's lines: tests/integration/app/why-pace.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { cutTimes } from '../../../electron/engine/corpus/plan';
import { describeClip, explainMatch, shotLength } from '../../../electron/engine/search/explain';
import type { ClipSummary } from '../../../electron/engine/search/types';
import { summary } from './synthetic';

const track = (bpm: number) => ({ summary: summary({ bpm }), mood: { brightness: 0.5 } });
const clipOf = (cuts: number[], duration = 10): ClipSummary => ({ duration, cuts, motion: 0.3, brightness: 0.5 });

describe('pace: the shot length the editor cut at (review R3.1)', () => {
  // [bpm, beats per cut] of the reviewer's pairs p00002, p00004, p00003, p00001, p00008 (10 s clips).
  const pairs: [number, number][] = [[72, 4], [117, 8], [142, 3], [103, 2], [150, 2]];

  it.each(pairs)('%d BPM, a cut every %d beats on the beat grid: that many beats per cut', (bpm, beats) => {
    const cuts = cutTimes(bpm, beats, 10);
    const pace = explainMatch(clipOf(cuts), track(bpm)).pace;
    // cutTimes rounds each cut to the millisecond: a shot is within 2 ms of 60 · beats / bpm.
    expect(pace.beatsPerCut).toBeCloseTo(beats, 1);
    expect(pace.shotSeconds).toBeCloseTo((60 * beats) / bpm, 2);
    expect(pace.label).toMatch(new RegExp(`^a cut every ${beats}\\.0 beats`));
    // On the phrase grid (1, 2, 4, 8…): full fit; 3 beats is between 2 and 4.
    if ([1, 2, 4, 8].includes(beats)) expect(pace.fit).toBe(1);
    // The header's count stays a count.
    expect(pace.cutsPerMin).toBeCloseTo((cuts.length / 10) * 60, 1);
  });

  it('a missed cut does not move it: 135 BPM every 2 beats with 2 of 10 cuts not found (p00005) still reads 2', () => {
    const all = cutTimes(135, 2, 10);
    expect(all).toHaveLength(10);
    const found = all.filter((_, i) => i !== 3 && i !== 7);
    expect(explainMatch(clipOf(found), track(135)).pace).toMatchObject({ beatsPerCut: 2, fit: 1 });
  });

  it('the clip’s ends cut its first and last shots short: they are left out, wherever the clip starts', () => {
    // Shots of 4 beats at 120 BPM (2 s) in 9 s, the clip starting 0.7 s into one and ending 1.7 s into another
    // (4 cuts in 9 s counted 4.5 beats a cut).
    const cuts = [1.3, 3.3, 5.3, 7.3];
    expect(explainMatch(clipOf(cuts, 9), track(120)).pace).toMatchObject({ beatsPerCut: 4, fit: 1, label: 'a cut every 4.0 beats (≈ 4)' });
  });

  it('one cut: no shot seen whole, the longer piece (a shot at least that long), said as such', () => {
    // 60 BPM, 8 beats a shot: one cut at 8 s in 10 s.
    expect(shotLength([8], 10)).toEqual({ seconds: 8, atLeast: true });
    expect(explainMatch(clipOf(cutTimes(60, 8, 10)), track(60)).pace).toMatchObject({ beatsPerCut: 8, fit: 1, label: 'one cut: shots of at least 8.0 beats (≈ 8)' });
    expect(shotLength([3], 10)).toEqual({ seconds: 7, atLeast: true });
  });
});

describe('pace: no verdict without cuts (review R3.6)', () => {
  it('a one-shot clip gets fit null and a neutral label on every track', () => {
    for (const bpm of [60, 72, 117, 150, 174]) {
      const why = explainMatch(clipOf([], 20), track(bpm));
      expect(why.pace).toEqual({ cutsPerMin: 0, shotSeconds: null, bpm, beatsPerCut: null, fit: null, label: 'one continuous shot' });
    }
  });

  it('a track without a tempo: no verdict either, the clip’s shots kept', () => {
    const why = explainMatch(clipOf([2, 4, 6, 8]), track(0));
    expect(why.pace).toMatchObject({ shotSeconds: 2, bpm: null, fit: null, label: 'no steady tempo in the track' });
  });
});

describe('one motion and brightness on one screen (review R3.3)', () => {
  it('values just above a rounding edge read the same in the summary line and the why (0.2452 → 0.25, 0.5952 → 0.60)', () => {
    const clip: ClipSummary = { duration: 20, cuts: [4, 8, 12, 16], motion: 0.2452, brightness: 0.5952 };
    const shown = describeClip(clip);
    const why = explainMatch(clip, track(72));
    expect(shown).toMatchObject({ motion: 0.25, brightness: 0.6 });
    expect(why.energy.motion).toBe(shown.motion);
    expect(why.mood.brightness).toBe(shown.brightness);
  });
});
