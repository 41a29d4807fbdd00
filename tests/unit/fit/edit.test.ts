/**
 * Edited fit plans on a generated track whose beat grid is known by construction (a beat every
 * 0.5 s from 0.2 s, a bar every 4 beats, an ending): re-planning from splices keeps the output
 * length exact, moves a splice by whole beats of the true grid, recomputes the ranges around it
 * and leaves the rest alone; an unmoved plan re-plans to itself (undo restores it exactly);
 * explicit plans are refused with the cause when a splice is off the beat, a range is outside
 * the track or the length misses the target.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { moveSplice, planFromRanges, replanWithSplices } from '../../../electron/engine/fit/edit';
import { planFit } from '../../../electron/engine/fit/plan';
import { scoreSplices, SpliceScorer } from '../../../electron/engine/fit/splices';
import type { FitPlan, TrackGrid } from '../../../electron/engine/fit/types';
import { synthTrack, type SynthTrack } from './synth-track';

const BEAT = 0.5;
const length = (p: FitPlan): number => p.ranges.reduce((a, r) => a + r.sourceEnd - r.sourceStart, 0) / p.tempoRatio;

let s: SynthTrack;
let g: TrackGrid;
let scorer: SpliceScorer;
let planned: FitPlan;
const TARGET = 25.04;

beforeAll(() => {
  s = synthTrack({ bars: 24, ending: true, bpm: 120 });
  g = gridFromPcm('synth.wav', s.pcm);
  scorer = new SpliceScorer(g);
  planned = planFit(g, scoreSplices(g, {}, scorer), { target: TARGET })!;
});

describe('replanWithSplices', () => {
  it('re-plans an unmoved plan to itself: same ranges, splices and scores (what undo restores)', () => {
    expect(planned.splices.length).toBeGreaterThanOrEqual(1);
    const again = replanWithSplices(g, scorer, moveSplice(g, planned, 0, 0));
    expect(again.ranges).toHaveLength(planned.ranges.length);
    again.ranges.forEach((r, i) => {
      expect(r.sourceStart).toBeCloseTo(planned.ranges[i].sourceStart, 5);
      expect(r.sourceEnd).toBeCloseTo(planned.ranges[i].sourceEnd, 5);
      expect(r.outputStart).toBeCloseTo(planned.ranges[i].outputStart, 5);
    });
    again.splices.forEach((x, i) => expect(x.score).toBeCloseTo(planned.splices[i].score, 3));
    expect(again.beats).toEqual(planned.beats);
  });

  for (const k of [1, -1, 4, -3]) {
    it(`moves a splice by ${k} beat(s) of the true grid and keeps the length exact`, () => {
      const before = planned.splices[0];
      const p = replanWithSplices(g, scorer, moveSplice(g, planned, 0, k));
      expect(Math.abs(length(p) - TARGET)).toBeLessThan(1e-6);
      const moved = p.splices[0];
      // Both points move k true beats (0.5 s each), so does the cut in the output.
      expect(Math.abs(moved.from - (before.from + k * BEAT))).toBeLessThan(0.02);
      expect(Math.abs(moved.to - (before.to + k * BEAT))).toBeLessThan(0.02);
      expect(Math.abs(moved.time - (before.time + k * BEAT))).toBeLessThan(0.02);
      // The range before it grows by k beats, the one after shrinks by as much.
      const len = (q: FitPlan, i: number): number => q.ranges[i].sourceEnd - q.ranges[i].sourceStart;
      expect(Math.abs(len(p, 0) - len(planned, 0) - k * BEAT)).toBeLessThan(0.03);
      expect(Math.abs(len(p, 1) - len(planned, 1) + k * BEAT)).toBeLessThan(0.03);
      // Still ends on the track's ending.
      expect(p.ranges[p.ranges.length - 1].sourceEnd).toBeCloseTo(planned.ranges[planned.ranges.length - 1].sourceEnd, 6);
      // Moving back restores the original exactly.
      const back = replanWithSplices(g, scorer, moveSplice(g, p, 0, -k));
      back.ranges.forEach((r, i) => expect(r.sourceStart).toBeCloseTo(planned.ranges[i].sourceStart, 5));
    });
  }

  it('builds the ranges two chosen splices make, computed from the true grid', () => {
    const tb = s.beats;
    const splices = [
      { from: tb[16], to: tb[32] },
      { from: tb[48], to: tb[72] },
    ];
    const target = 30;
    const p = replanWithSplices(g, scorer, { target, end: g.end, endMode: 'ending', tempoRatio: 1, splices });
    const lastLen = g.end - tb[72];
    const midLen = tb[48] - tb[32];
    const expected = [
      [tb[16] - (target - lastLen - midLen), tb[16]],
      [tb[32], tb[48]],
      [tb[72], g.end],
    ];
    expect(p.ranges).toHaveLength(3);
    p.ranges.forEach((r, i) => {
      expect(Math.abs(r.sourceStart - expected[i][0])).toBeLessThan(0.03);
      expect(Math.abs(r.sourceEnd - expected[i][1])).toBeLessThan(0.03);
    });
    expect(Math.abs(length(p) - target)).toBeLessThan(1e-6);
    // Output times of the splices: where the ranges before them end.
    expect(p.splices[0].time).toBeCloseTo(p.ranges[0].sourceEnd - p.ranges[0].sourceStart, 6);
    expect(p.splices[1].time).toBeCloseTo(p.splices[0].time + midLen, 1);
    // Every heard beat is a true beat placed through its range.
    for (const b of p.beats) {
      const r = p.ranges.find((x) => b >= x.outputStart - 1e-6 && b < x.outputStart + (x.sourceEnd - x.sourceStart));
      const src = r!.sourceStart + (b - r!.outputStart);
      expect(Math.min(...tb.map((t) => Math.abs(t - src)))).toBeLessThan(0.012);
    }
  });

  it('refuses a splice off the beat, a range shorter than a beat, and a start before the track', () => {
    const tb = s.beats;
    const base = { target: 30, end: g.end, endMode: 'ending' as const, tempoRatio: 1 };
    expect(() => replanWithSplices(g, scorer, { ...base, splices: [{ from: tb[16] + 0.04, to: tb[32] }] })).toThrow(/splice 1's out point .* ms from the nearest beat/);
    expect(() => replanWithSplices(g, scorer, { ...base, splices: [{ from: tb[16], to: tb[32] }, { from: tb[32], to: tb[60] }] })).toThrow(/the edited plan's range after splice 1 would last 0\.000 s .*: each kept range must hold at least one beat/);
    expect(() => replanWithSplices(g, scorer, { ...base, target: 60, splices: [{ from: tb[8], to: tb[80] }] })).toThrow(/before the track's start/);
  });
});

describe('planFromRanges', () => {
  const explicit = (p: FitPlan) => ({ ranges: p.ranges.map((r) => ({ ...r })), endMode: p.endMode, tempoRatio: p.tempoRatio });

  it('accepts a planned plan as it is', () => {
    const p = planFromRanges(g, scorer, explicit(planned), { target: TARGET, fps: 25 });
    expect(p.ranges).toEqual(planned.ranges.map((r, i) => ({ ...r, outputStart: p.ranges[i].outputStart })));
    p.ranges.forEach((r, i) => expect(r.outputStart).toBeCloseTo(planned.ranges[i].outputStart, 6));
    expect(p.splices.map((x) => x.fromBeat)).toEqual(planned.splices.map((x) => x.fromBeat));
  });

  it('refuses a splice 30 ms off the beat, a range past the track, and a length a frame off', () => {
    const off = explicit(planned);
    // The in point 30 ms late, the first range 30 ms longer: the length still fits.
    off.ranges[1].sourceStart += 0.03;
    off.ranges[0].sourceStart -= 0.03;
    expect(() => planFromRanges(g, scorer, off, { target: TARGET, fps: 25 })).toThrow(/synth\.wav: .*splice 1's in point .* 30 ms from the nearest beat/);
    const past = explicit(planned);
    past.ranges[past.ranges.length - 1].sourceEnd = g.duration + 5;
    expect(() => planFromRanges(g, scorer, past, { target: TARGET, fps: 25 })).toThrow(/not a span inside the track/);
    // Without output starts (they are optional), only the length can be off.
    const long = { ...explicit(planned), ranges: planned.ranges.map((r) => ({ sourceStart: r.sourceStart, sourceEnd: r.sourceEnd })) };
    long.ranges[0].sourceStart -= 0.09;
    expect(() => planFromRanges(g, scorer, long, { target: TARGET, fps: 25 })).toThrow(/lasts 25\.130 s but the clip needs 25\.040 s/);
    // Within one frame (40 ms at 25 fps) is accepted.
    const close = explicit(planned);
    close.ranges[0].sourceStart -= 0.03;
    expect(() => planFromRanges(g, scorer, close, { target: TARGET, fps: 25 })).not.toThrow();
  });
});
