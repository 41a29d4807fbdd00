import { describe, expect, it } from 'vitest';
import { explainMatch, valenceProxy } from '../../../electron/engine/search/explain';
import type { ClipSummary } from '../../../electron/engine/search/types';
import { summary } from './synthetic';

const cutsEvery = (seconds: number, duration: number): number[] =>
  Array.from({ length: Math.floor(duration / seconds) }, (_, i) => (i + 1) * seconds);

describe('explainMatch', () => {
  const clip: ClipSummary = { duration: 60, cuts: cutsEvery(2, 60), motion: 0.7, brightness: 0.3 };

  it('compares the clip pace with the track tempo in beats per cut', () => {
    const why = explainMatch(clip, { summary: summary({ bpm: 120 }), mood: { brightness: 0.5 } });
    expect(why.pace.cutsPerMin).toBe(30);
    expect(why.pace.beatsPerCut).toBe(4);
    expect(why.pace.fit).toBe(1);
    expect(why.pace.label).toContain('4.0 beats');
    // 90 BPM: 3 beats per cut, between phrase lengths 2 and 4 → low fit.
    const odd = explainMatch(clip, { summary: summary({ bpm: 90 }), mood: { brightness: 0.5 } });
    expect(odd.pace.beatsPerCut).toBe(3);
    expect(odd.pace.fit).toBeLessThan(0.3);
    const still = explainMatch({ ...clip, cuts: [] }, { summary: summary({ bpm: 100 }), mood: { brightness: 0.5 } });
    expect(still.pace).toEqual({ cutsPerMin: 0, shotSeconds: null, bpm: 100, beatsPerCut: null, fit: null, label: 'one continuous shot' });
  });

  it('says a track has no steady tempo, keeping the clip\'s real cut rate (review R8: it read "no cuts: one continuous shot")', () => {
    for (const bpm of [0, Number.NaN]) {
      const why = explainMatch(clip, { summary: summary({ bpm }), mood: { brightness: 0.5 } });
      expect(why.pace).toEqual({ cutsPerMin: 30, shotSeconds: 2, bpm: null, beatsPerCut: null, fit: null, label: 'no steady tempo in the track' });
    }
    const neither = explainMatch({ ...clip, cuts: [] }, { summary: summary({ bpm: 0 }), mood: { brightness: 0.5 } });
    expect(neither.pace.label).toBe('no steady tempo in the track');
  });

  it('compares motion with energy and brightness with the mood valence proxy', () => {
    const calm = explainMatch(clip, { summary: summary({ energy: 0.2, mode: 'major' }), mood: { brightness: 0.6 } });
    expect(calm.energy).toMatchObject({ motion: 0.7, energy: 0.2, fit: 0.5, label: 'picture busier than the music' });
    expect(calm.mood.valence).toBe(0.8);
    expect(calm.mood.label).toBe('music brighter than the picture');
    const fitting = explainMatch(clip, { summary: summary({ energy: 0.75, mode: 'minor' }), mood: { brightness: 0.6 } });
    expect(fitting.energy.label).toBe('energy matches motion');
    expect(fitting.mood).toMatchObject({ valence: 0.3, fit: 1, label: 'mood matches brightness' });
  });

  it('weighs mode and brightness equally in the valence proxy', () => {
    expect(valenceProxy('major', 0)).toBe(0.5);
    expect(valenceProxy('minor', 1)).toBe(0.5);
  });
});
