/**
 * Smaller parts of the fit, each against a truth worked out without it: an edited plan may start
 * at 0 s (not before) and ends on the track's ending only when its last range reaches it; the
 * chroma cosine of two beats equals the cosine computed here; a cut between two levels of one
 * tone is more audible than a cut inside one; the render reads the track through the last sample
 * the plan uses; the FCPXML begins with its XML declaration; kicks read as onsets, the louder
 * downbeat kick louder.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gridFromPcm } from '../../../electron/engine/fit/analyse';
import { spliceAudibility } from '../../../electron/engine/fit/audibility';
import { planFromRanges } from '../../../electron/engine/fit/edit';
import { chromaCosine } from '../../../electron/engine/fit/grid';
import { fcpxml } from '../../../electron/engine/fit/handoff/fcpxml';
import { frameRateOf } from '../../../electron/engine/fit/handoff/timecode';
import { planFit } from '../../../electron/engine/fit/plan';
import { renderArgs } from '../../../electron/engine/fit/render';
import { scoreSplices, SpliceScorer } from '../../../electron/engine/fit/splices';
import type { TrackGrid } from '../../../electron/engine/fit/types';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { synthTrack, type SynthTrack } from './synth-track';

let s: SynthTrack;

beforeAll(() => {
  s = synthTrack({ bars: 16, ending: true, bpm: 120 });
});

/**
 * The track's grid, analysed inside each test that reads it (not in a hook): mutation testing
 * attributes code run in hooks to no test, and then cannot tell which test checks it.
 */
function analysed(): { g: TrackGrid; scorer: SpliceScorer } {
  const g = gridFromPcm('synth.wav', s.pcm);
  return { g, scorer: new SpliceScorer(g) };
}

describe('planFromRanges on one kept range', () => {
  const fitter = () => {
    const { g, scorer } = analysed();
    return { g, fit: (sourceStart: number, sourceEnd: number) => planFromRanges(g, scorer, { ranges: [{ sourceStart, sourceEnd }] }, { target: sourceEnd - sourceStart, fps: 25 }) };
  };

  it('accepts a range from 0 s and refuses one starting before the track', () => {
    const { fit } = fitter();
    expect(fit(0, 10).ranges[0]).toMatchObject({ sourceStart: 0, sourceEnd: 10 });
    expect(() => fit(-0.5, 9.5)).toThrow(/synth\.wav: the edited plan's range 1 .* is not a span inside the track/);
  });

  it("ends on the track's ending when the last range reaches it (within half a second), else fades on a phrase", () => {
    const { g, fit } = fitter();
    expect(g.hasEnding).toBe(true);
    expect(fit(g.end - 12, g.end).endMode).toBe('ending');
    expect(fit(g.end - 12.3, g.end - 0.3).endMode).toBe('ending');
    expect(fit(g.end - 12.8, g.end - 0.8).endMode).toBe('phrase');
    expect(fit(0, 12).endMode).toBe('phrase');
  });
});

describe('chromaCosine', () => {
  it('is the cosine of two rows of 12, and 1 when either row is silent', () => {
    const rows = [
      [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0],
      [0, 0.5, 0, 0, 1, 0, 0, 0.25, 0, 2, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    const c = Float32Array.from(rows.flat());
    const dot = rows[0].reduce((a, x, i) => a + x * rows[1][i], 0);
    const norm = (r: number[]): number => Math.hypot(...r);
    expect(chromaCosine(c, 0, 1)).toBeCloseTo(dot / (norm(rows[0]) * norm(rows[1])), 6);
    expect(chromaCosine(c, 1, 0)).toBeCloseTo(dot / (norm(rows[0]) * norm(rows[1])), 6);
    expect(chromaCosine(c, 1, 1)).toBeCloseTo(1, 6);
    expect(chromaCosine(c, 0, 2)).toBe(1);
  });
});

describe('spliceAudibility', () => {
  it('hears a 20 dB level change of one tone at the cut, and nothing where the tone goes on unchanged', () => {
    const sr = AUDIO_SPEC.sampleRate;
    const pcm = new Float32Array(4 * sr);
    for (let i = 0; i < pcm.length; i++) pcm[i] = (i < 2 * sr ? 0.5 : 0.05) * Math.sin((2 * Math.PI * 440 * i) / sr);
    const change = spliceAudibility(pcm, 2, 0.5);
    const steady = spliceAudibility(pcm, 1, 0.5);
    // The same pitch on both sides: the chroma term is 0; the mel term is the RMS over 40 bands of
    // the dB difference: 20 dB in the few bands around 440 Hz (√(3 · 20² / 40) ≈ 5.5), ~0 elsewhere.
    expect(steady).toBeLessThan(0.5);
    expect(change).toBeGreaterThan(3);
  });
});

describe('renderArgs', () => {
  it('reads the track at least through the last sample the plan uses', () => {
    const { g, scorer } = analysed();
    const plan = planFit(g, scoreSplices(g, {}, scorer), { target: 17.3 });
    if (!plan) throw new Error('no plan for the synth track');
    const args = renderArgs('track.wav', plan, 44100, 2);
    const readSeconds = Number(args[args.indexOf('-t') + 1]);
    const lastUsed = Math.max(...plan.ranges.map((r) => r.sourceEnd));
    expect(readSeconds).toBeGreaterThanOrEqual(lastUsed);
  });
});

describe('FCPXML', () => {
  it('begins with the XML declaration (UTF-8) and the fcpxml doctype', () => {
    const { g, scorer } = analysed();
    const plan = planFit(g, scoreSplices(g, {}, scorer), { target: 12 });
    if (!plan) throw new Error('no plan for the synth track');
    const text = fcpxml({
      title: 'clip — one',
      rate: frameRateOf(25),
      clip: { path: 'clip.mp4', absolute: '/x/clip.mp4', name: 'clip.mp4', in: 0, fileDuration: 20, width: 640, height: 360 },
      remix: { path: 'fit.wav', absolute: '/x/fit.wav', name: 'fit.wav', sampleRate: 44100, channels: 2 },
      track: { path: 'song.wav', absolute: '/x/song.wav', name: 'song.wav' },
      plan,
      cuts: [],
    });
    expect(text.split('\n').slice(0, 2)).toEqual(['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE fcpxml>']);
  });
});

describe('beat onsets', () => {
  it('reads every kick as an onset, the louder downbeat kicks stronger than the others', () => {
    const { g } = analysed();
    const isDown = (t: number): boolean => s.downbeats.some((d) => Math.abs(d - t) < 0.03);
    const at = (down: boolean): number[] => g.beats.flatMap((t, k) => (isDown(t) === down ? [g.features.onset[k]] : []));
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const [down, other] = [at(true), at(false)];
    expect(down.length).toBeGreaterThan(8);
    expect(other.length).toBeGreaterThan(20);
    expect(Math.min(...other)).toBeGreaterThan(0);
    expect(median(down)).toBeGreaterThan(median(other));
  });
});
