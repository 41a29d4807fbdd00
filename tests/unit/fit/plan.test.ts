/**
 * The fit planner on generated tracks whose beat grid, downbeats, phrases and ending are known
 * by construction (synth-track.ts): grid recovery, exact output length for many targets
 * (shorter and longer than the track), splices on true beats, the ending kept, phrase ends,
 * and shot cuts pulled onto downbeats with hits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { countHits } from '../../../electron/engine/fit/hits';
import { planFit } from '../../../electron/engine/fit/plan';
import { scoreSplices } from '../../../electron/engine/fit/splices';
import type { FitPlan, TrackGrid } from '../../../electron/engine/fit/types';
import { nearest, synthTrack, type SynthTrack } from './synth-track';

const length = (p: FitPlan): number => p.ranges.reduce((a, r) => a + r.sourceEnd - r.sourceStart, 0) / p.tempoRatio;

describe('fit plan on a generated track with an ending', () => {
  let s: SynthTrack;
  let g: TrackGrid;
  beforeAll(() => {
    s = synthTrack({ bars: 24, ending: true });
    g = gridFromPcm('synth.wav', s.pcm);
  });

  it('recovers the beat grid to within 10 ms, the 4/4 downbeats and the ending', () => {
    expect(g.bpm).toBeCloseTo(120, 0);
    for (const b of g.beats) expect(nearest(s.beats, b)).toBeLessThan(0.01);
    expect(g.beats.length).toBeGreaterThanOrEqual(s.beats.length - 2);
    expect(g.beatsPerBar).toBe(4);
    const downbeats = g.beats.filter((_, k) => (k - g.downbeatPhase) % 4 === 0);
    for (const d of downbeats) expect(nearest(s.downbeats, d)).toBeLessThan(0.01);
    expect(g.hasEnding).toBe(true);
    expect(Math.abs(g.end - s.end)).toBeLessThan(0.1);
  });

  it('hits every target exactly, splices on true same-position beats, and ends on the ending', () => {
    const cand = scoreSplices(g);
    const bar = 4 * (60 / s.bpm);
    for (const target of [9.2, 13.37, 20, 25.04, 33.3, 41.1, 50.2, 63.9, 80, 111.11, 150.5]) {
      const p = planFit(g, cand, { target });
      expect(p, `target ${target}`).not.toBeNull();
      expect(Math.abs(length(p!) - target)).toBeLessThan(1e-6);
      expect(p!.tempoRatio).toBe(1);
      expect(p!.endMode).toBe('ending');
      expect(p!.ranges[p!.ranges.length - 1].sourceEnd).toBeCloseTo(g.end, 6);
      // The last range holds at least the final two bars and the ring-out.
      const last = p!.ranges[p!.ranges.length - 1];
      expect(last.sourceEnd - last.sourceStart).toBeGreaterThan(2 * bar);
      for (const sp of p!.splices) {
        expect(nearest(s.beats, sp.from)).toBeLessThan(0.02);
        expect(nearest(s.beats, sp.to)).toBeLessThan(0.02);
        // Same bar position on both sides: the bar goes on uninterrupted.
        const beatOf = (t: number): number => Math.round((t - s.beats[0]) / (60 / s.bpm));
        expect(Math.abs(beatOf(sp.from) - beatOf(sp.to)) % 4).toBe(0);
      }
      // Ranges tile the output with no gap.
      let out = 0;
      for (const r of p!.ranges) {
        expect(r.outputStart).toBeCloseTo(out, 6);
        out += r.sourceEnd - r.sourceStart;
      }
      expect(Math.abs(p!.start - 0)).toBeLessThanOrEqual(bar + 1e-9);
      if (target < s.end - bar) expect(p!.splices.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('needs no splice when the target is the track from the offset, and few when far longer', () => {
    const cand = scoreSplices(g);
    const p = planFit(g, cand, { target: g.end - s.downbeats[1], offset: s.downbeats[1] })!;
    expect(p.splices).toHaveLength(0);
    expect(p.start).toBeCloseTo(s.downbeats[1], 6);
    const long = planFit(g, cand, { target: 3 * s.end })!;
    // Each repeat of the track costs about one splice.
    expect(long.splices.length).toBeLessThanOrEqual(3);
  });

  it('starts near the offset on a downbeat when the remainder allows', () => {
    const cand = scoreSplices(g);
    const offset = s.downbeats[5] + 0.3;
    const p = planFit(g, cand, { target: 20, offset })!;
    expect(Math.abs(p.start - offset)).toBeLessThanOrEqual(2);
    expect(Math.abs(length(p) - 20)).toBeLessThan(1e-6);
  });

  it('ends on a phrase end (a downbeat four bars on from the first) when asked', () => {
    const cand = scoreSplices(g);
    const phraseEnds = s.downbeats.filter((_, i) => i > 0 && i % 4 === 0);
    for (const target of [10, 21.3, 37]) {
      const p = planFit(g, cand, { target, end: 'phrase' })!;
      expect(p.endMode).toBe('phrase');
      expect(Math.abs(length(p) - target)).toBeLessThan(1e-6);
      expect(nearest(phraseEnds, p.ranges[p.ranges.length - 1].sourceEnd)).toBeLessThan(0.02);
    }
  });

  it('puts downbeats on shot cuts with hits, where the plain plan misses them', () => {
    const T = 30;
    const plain = planFit(g, scoreSplices(g), { target: T })!;
    // Cuts one beat after the plain plan's downbeats in the first third: every one a miss.
    const beat = 60 / s.bpm;
    const cuts = plain.downbeats.filter((d) => d > 1 && d < T / 3).map((d) => d + beat);
    expect(cuts.length).toBeGreaterThanOrEqual(3);
    const before = countHits(cuts, plain.downbeats);
    const hits = planFit(g, scoreSplices(g, { allowBarShift: true }), { target: T, cuts })!;
    const after = countHits(cuts, hits.downbeats);
    expect(before).toBe(0);
    expect(after).toBeGreaterThanOrEqual(cuts.length - 1);
    expect(Math.abs(length(hits) - T)).toBeLessThan(1e-6);
  });
});

describe('fit plan on a generated track cut off mid-music', () => {
  it('reads no ending and ends on a phrase end by default', () => {
    const s = synthTrack({ bars: 20, ending: false });
    const g = gridFromPcm('cut.wav', s.pcm);
    expect(g.hasEnding).toBe(false);
    const p = planFit(g, scoreSplices(g), { target: 17 })!;
    expect(p.endMode).toBe('phrase');
    expect(Math.abs(length(p) - 17)).toBeLessThan(1e-6);
  });

  it('uses a tempo change within 3 % only when no splice path fits, and none beyond', () => {
    const s = synthTrack({ bars: 8, ending: true });
    const g = gridFromPcm('short.wav', s.pcm);
    const cand = scoreSplices(g);
    // Scan down from a length that fits to the first that does not: about a bar from the start
    // (less a late entry), then the last two bars and the ring-out.
    let shortest = 12;
    while (planFit(g, cand, { target: shortest - 0.05, allowTempo: false })) shortest -= 0.05;
    expect(shortest).toBeGreaterThan(3 * 2 - 0.5);
    // No plain path fits this one (the scan stopped there).
    const target = shortest - 0.05;
    const stretched = planFit(g, cand, { target })!;
    expect(stretched.tempoRatio).not.toBe(1);
    expect(Math.abs(stretched.tempoRatio - 1)).toBeLessThanOrEqual(0.03 + 1e-9);
    expect(Math.abs(length(stretched) - target)).toBeLessThan(1e-6);
    expect(planFit(g, cand, { target, allowTempo: false })).toBeNull();
    expect(planFit(g, cand, { target: 3 })).toBeNull();
  });
});
