/**
 * The fit timeline's pure parts on a hand-made plan (beats every 0.5 s; the track from 10 s to
 * 16 s, then from 30 s to its end at 44 s): which splices a move sends, where the preview's
 * track is at an output time, which cuts are hit, and how a drag becomes whole beats.
 */
import { describe, expect, it } from 'vitest';
import type { FitPlanView } from '../../../electron/contract/types';
import { beatAt, beatsFor, hitCuts, movedSplices, offsetAt, rangeAt } from '../../../renderer/lib/fit-edit';

const beats = Array.from({ length: 89 }, (_, k) => k * 0.5);
const plan: FitPlanView = {
  duration: 20,
  start: 10,
  endMode: 'ending',
  tempoRatio: 1,
  ranges: [
    { sourceStart: 10, sourceEnd: 16, outputStart: 0 },
    { sourceStart: 30, sourceEnd: 44, outputStart: 6 },
  ],
  splices: [{ time: 6, from: 16, to: 30, fromBeat: 32, toBeat: 60, score: 0.4 }],
  worstSplice: 0.4,
  beats: [],
  downbeats: [0, 2, 4, 6, 8],
};

describe('fit timeline helpers', () => {
  it('moves both points of a splice by grid beats, and refuses to leave the grid', () => {
    expect(movedSplices(plan, beats, 0, 2)).toEqual([{ from: 17, to: 31 }]);
    expect(movedSplices(plan, beats, 0, -3)).toEqual([{ from: 14.5, to: 28.5 }]);
    expect(movedSplices(plan, beats, 0, 40)).toBeNull();
    expect(movedSplices(plan, beats, 1, 1)).toBeNull();
  });

  it('puts the preview where the remix is: straight within a range, jumping at the splice', () => {
    expect(rangeAt(plan, 3)).toBe(plan.ranges[0]);
    expect(rangeAt(plan, 6)).toBe(plan.ranges[1]);
    // Track time = offset + output time.
    expect(offsetAt(plan, 3) + 3).toBeCloseTo(13, 9);
    expect(offsetAt(plan, 5.99) + 5.99).toBeCloseTo(15.99, 9);
    expect(offsetAt(plan, 6.5) + 6.5).toBeCloseTo(30.5, 9);
    expect(offsetAt(plan, 19) + 19).toBeCloseTo(43, 9);
  });

  it('counts a cut as hit within 50 ms of a downbeat', () => {
    expect(hitCuts([2.04, 4.06, 7, 8], plan.downbeats)).toEqual([true, false, false, true]);
  });

  it('turns a drag into whole beats of the track', () => {
    expect(beatAt(beats, 32)).toBeCloseTo(0.5, 9);
    expect(beatsFor(0.74, 0.5)).toBe(1);
    expect(beatsFor(-0.76, 0.5)).toBe(-2);
    expect(beatsFor(0.2, 0.5)).toBe(0);
  });
});
