/**
 * Splitting a long clip into sections on hand-made descriptor rows (0.5 s each): a brightness
 * change at a cut and a change of cut rate each split the clip there, with the distance worked
 * out from the rule's units; a clip with no qualifying cut stays one section.
 */
import { describe, expect, it } from 'vitest';
import type { ClipAnalysis } from '../../../electron/engine/app/clip';
import { splitSections, UNITS } from '../../../electron/engine/app/sections';

const NAMES = ['motion', 'luma_mean', 'saturation', 'warmth'];

/** 80 rows (40 s); luma `left` before 20 s and `right` after; the other columns constant. */
function clip(left: number, right: number, cuts: number[]): ClipAnalysis {
  const T = 80;
  const data = new Float32Array(T * NAMES.length);
  for (let t = 0; t < T; t++) data.set([0.1, t < 40 ? left : right, 0.3, 0], t * NAMES.length);
  return { file: 'clip.mp4', start: 0, duration: 40, cuts, analysisCuts: [], seq: { step: 0.5, names: NAMES, data, T, D: NAMES.length, spec: 'test', start: 0 } };
}

describe('splitSections', () => {
  it('splits at the cut where the brightness changes by 4 units, and nowhere else', () => {
    const s = splitSections(clip(0.2, 0.6, [20]));
    expect(s.map((x) => [x.start, x.end])).toEqual([[0, 20], [20, 40]]);
    expect(s[1].change).toBeCloseTo(0.4 / UNITS.brightness, 3);
    expect(s[0].change).toBe(0);
  });

  it('splits where the cut rate changes: none before 20 s, a cut every 2 s after', () => {
    const cuts = [20, 22, 24, 26, 28, 30, 32, 34, 36, 38];
    const s = splitSections(clip(0.4, 0.4, cuts));
    expect(s.map((x) => [x.start, x.end])).toEqual([[0, 20], [20, 40]]);
    // The right side holds 9 cuts (20 s is its boundary) in 20 s: 27 a minute; the left none.
    expect(s[1].change).toBeCloseTo(27 / UNITS.cutsPerMin, 3);
  });

  it('begins a section on its shot cut, not on the 0.5 s row edge it was analysed from, and ends the last on the clip\'s end', () => {
    // A cut at 20.2 s lies in row 40 (20.0–20.5 s): the rows split there, the section starts on the cut.
    const c = { ...clip(0.2, 0.6, [20.2]), duration: 39.8 };
    const s = splitSections(c);
    expect(s.map((x) => [x.fromRow, x.toRow])).toEqual([[0, 40], [40, 80]]);
    expect(s.map((x) => [x.start, x.end])).toEqual([[0, 20.2], [20.2, 39.8]]);
  });

  it('keeps one section when nothing changes, or when the only cut leaves less than 8 s on a side', () => {
    expect(splitSections(clip(0.4, 0.4, [20]))).toHaveLength(1);
    expect(splitSections(clip(0.2, 0.6, [36]))).toHaveLength(1);
  });
});
