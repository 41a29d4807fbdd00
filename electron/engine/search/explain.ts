import type { MatchWhy, PaceWhy, RankedClip } from '../../contract/types';
import { quantileSorted } from '../util/quantile';
import { round } from '../util/round';
import type { ClipSummary, Mode, SearchTrackInfo } from './types';

// The why's shape is the contract's: the fronts show exactly what the engine computes.
export type { EnergyWhy, MatchWhy, MoodWhy, PaceWhy } from '../../contract/types';

/** Within this difference two 0..1 scalars are reported as matching. */
const CLOSE = 0.15;

/**
 * A 0..1 level (motion, brightness, energy, valence, fits) as it is shown: rounded once, here. The clip's
 * summary line and every why take this same number (review R3.3: the summary rounded to 3 digits and
 * the fronts again to 2, so 0.2452 read "0.24" there and "0.25" in the why).
 */
export const level = (x: number): number => round(x, 2);

/** A track's valence proxy: major mode and bright spectra both read as happier. */
export function valenceProxy(mode: Mode, brightness: number): number {
  return 0.5 * (mode === 'major' ? 1 : 0) + 0.5 * brightness;
}

/** The clip's summary line (counts, cut rate, motion, brightness), with the why's own motion and brightness. */
export function describeClip(clip: ClipSummary): RankedClip['summary'] {
  return {
    duration: round(clip.duration, 3),
    cuts: clip.cuts.length,
    cutsPerMin: round(clip.duration > 0 ? (clip.cuts.length / clip.duration) * 60 : 0, 3),
    motion: level(clip.motion),
    brightness: level(clip.brightness),
  };
}

function compare(a: number, b: number, same: string, aMore: string, bMore: string): { fit: number; label: string } {
  const diff = a - b;
  const label = Math.abs(diff) <= CLOSE ? same : diff > 0 ? aMore : bMore;
  return { fit: level(1 - Math.min(1, Math.abs(diff))), label };
}

/**
 * The shot length the editor cut at (s), from cut times in 0..duration (ascending): the median gap
 * between consecutive cuts. The first and last shots are left out: the clip's start and end (or
 * In and Out) cut them short, not the editor. With one cut no shot is seen whole: the longer of its
 * two pieces, a shot at least that long (`atLeast`). Null without cuts. Not cuts ÷ length (review
 * R3.1): 2 cuts every 4 beats in a 10 s clip are 3 shots, and that count read 6 beats per cut.
 */
export function shotLength(cuts: ArrayLike<number>, duration: number): { seconds: number; atLeast: boolean } | null {
  const n = cuts.length;
  if (n === 0 || !(duration > 0)) return null;
  if (n === 1) return { seconds: Math.max(cuts[0], duration - cuts[0]), atLeast: true };
  const gaps = Array.from({ length: n - 1 }, (_, i) => cuts[i + 1] - cuts[i]).sort((a, b) => a - b);
  return { seconds: quantileSorted(gaps, 0.5), atLeast: false };
}

function explainPace(clip: ClipSummary, bpm: number): PaceWhy {
  const cutsPerMin = clip.duration > 0 ? (clip.cuts.length / clip.duration) * 60 : 0;
  const shot = shotLength(clip.cuts, clip.duration);
  const seen = { cutsPerMin: round(cutsPerMin, 1), shotSeconds: shot ? round(shot.seconds, 2) : null };
  // No verdict where there is nothing to compare (review R3.6: a one-shot clip read "fit 0.00", the worst pace
  // match, on every track): fit null, said as it is; a track without a tempo likewise.
  if (!(bpm > 0)) return { ...seen, bpm: null, beatsPerCut: null, fit: null, label: 'no steady tempo in the track' };
  if (!shot) return { ...seen, bpm: round(bpm, 1), beatsPerCut: null, fit: null, label: 'one continuous shot' };
  const beatsPerCut = (bpm * shot.seconds) / 60;
  // Editors cut on phrase boundaries: 1, 2, 4, 8… beats. Distance in octaves to the nearest.
  const octave = Math.log2(beatsPerCut);
  const nearest = 2 ** Math.max(0, Math.round(octave));
  const fit = Math.max(0, 1 - 2 * Math.abs(Math.log2(beatsPerCut / nearest)));
  const near = fit >= 0.7 ? ` (≈ ${nearest})` : '';
  const label =
    beatsPerCut < 0.75
      ? 'cuts faster than the beat'
      : shot.atLeast
        ? `one cut: shots of at least ${beatsPerCut.toFixed(1)} beats${near}`
        : `a cut every ${beatsPerCut.toFixed(1)} beats${near}`;
  return { ...seen, bpm: round(bpm, 1), beatsPerCut: round(beatsPerCut, 2), fit: level(fit), label };
}

/** Numbers (and a short label each) for why a track fits a clip: pace↔tempo, motion↔energy, brightness↔mood. */
export function explainMatch(clip: ClipSummary, track: SearchTrackInfo): MatchWhy {
  const { summary, mood } = track;
  const valence = valenceProxy(summary.mode, mood.brightness);
  return {
    pace: explainPace(clip, summary.bpm),
    energy: {
      motion: level(clip.motion),
      energy: level(summary.energy),
      ...compare(summary.energy, clip.motion, 'energy matches motion', 'music more energetic than the picture', 'picture busier than the music'),
    },
    mood: {
      brightness: level(clip.brightness),
      valence: level(valence),
      ...compare(valence, clip.brightness, 'mood matches brightness', 'music brighter than the picture', 'picture brighter than the music'),
    },
  };
}
