import type { MatchWhy, PaceWhy } from '../../contract/types';
import type { ClipSummary, Mode, SearchTrackInfo } from './types';

// The why's shape is the contract's: the fronts show exactly what the engine computes.
export type { EnergyWhy, MatchWhy, MoodWhy, PaceWhy } from '../../contract/types';

/** Within this difference two 0..1 scalars are reported as matching. */
const CLOSE = 0.15;

/** A track's valence proxy: major mode and bright spectra both read as happier. */
export function valenceProxy(mode: Mode, brightness: number): number {
  return 0.5 * (mode === 'major' ? 1 : 0) + 0.5 * brightness;
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

function compare(a: number, b: number, same: string, aMore: string, bMore: string): { fit: number; label: string } {
  const diff = a - b;
  const label = Math.abs(diff) <= CLOSE ? same : diff > 0 ? aMore : bMore;
  return { fit: round(1 - Math.min(1, Math.abs(diff))), label };
}

function explainPace(clip: ClipSummary, bpm: number): PaceWhy {
  const minutes = clip.duration / 60;
  const cutsPerMin = minutes > 0 ? clip.cuts.length / minutes : 0;
  // Two different cases, each said as it is (a track without a tempo once read as a clip without cuts).
  if (!(bpm > 0)) return { cutsPerMin: round(cutsPerMin, 1), bpm: null, beatsPerCut: null, fit: 0, label: 'no steady tempo in the track' };
  if (cutsPerMin === 0) return { cutsPerMin: 0, bpm: round(bpm, 1), beatsPerCut: null, fit: 0, label: 'no cuts: one continuous shot' };
  const beatsPerCut = bpm / cutsPerMin;
  // Editors cut on phrase boundaries: 1, 2, 4, 8… beats. Distance in octaves to the nearest.
  const octave = Math.log2(beatsPerCut);
  const nearest = 2 ** Math.max(0, Math.round(octave));
  const fit = Math.max(0, 1 - 2 * Math.abs(Math.log2(beatsPerCut / nearest)));
  const label =
    beatsPerCut < 0.75
      ? 'cuts faster than the beat'
      : `a cut every ${beatsPerCut.toFixed(1)} beats${fit >= 0.7 ? ` (≈ ${nearest})` : ''}`;
  return { cutsPerMin: round(cutsPerMin, 1), bpm: round(bpm, 1), beatsPerCut: round(beatsPerCut), fit: round(fit), label };
}

/** Numbers (and a short label each) for why a track fits a clip: pace↔tempo, motion↔energy, brightness↔mood. */
export function explainMatch(clip: ClipSummary, track: SearchTrackInfo): MatchWhy {
  const { summary, mood } = track;
  const valence = valenceProxy(summary.mode, mood.brightness);
  return {
    pace: explainPace(clip, summary.bpm),
    energy: {
      motion: round(clip.motion),
      energy: round(summary.energy),
      ...compare(summary.energy, clip.motion, 'energy matches motion', 'music more energetic than the picture', 'picture busier than the music'),
    },
    mood: {
      brightness: round(clip.brightness),
      valence: round(valence),
      ...compare(valence, clip.brightness, 'mood matches brightness', 'music brighter than the picture', 'picture brighter than the music'),
    },
  };
}
