// Key detection checked against values computed another way: Pearson correlations from a naive
// formula on the published key profiles, chords that decide between keys with the same notes,
// confidence at its documented ends (a clear key is sure; a key the chords decide narrowly is not).
import { describe, expect, it } from 'vitest';
import { analyseKey, detectKey, KEY_MIN_CONFIDENCE, windowTriad } from '../../../electron/engine/features/key';
import { PITCH_CLASSES } from '../../../electron/engine/features/spec';

// Krumhansl–Kessler (1982) and Temperley (2007) profiles as published, tonic first.
const KK_MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const KK_MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
const T_MAJOR = [0.748, 0.06, 0.488, 0.082, 0.67, 0.46, 0.096, 0.715, 0.104, 0.366, 0.057, 0.4];

/** Pearson correlation, textbook form. */
function pearson(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i] - mb), 0);
  const sa = Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0));
  const sb = Math.sqrt(b.reduce((s, x) => s + (x - mb) ** 2, 0));
  return cov / (sa * sb);
}
/** The profile moved to start at `tonic` (profile[0] lands on pitch class `tonic`). */
const at = (profile: number[], tonic: number): number[] => profile.map((_, pc) => profile[(pc - tonic + 12) % 12]);
const pcs = (notes: Record<number, number>): number[] => Array.from({ length: 12 }, (_, i) => notes[i] ?? 0);

describe('analyseKey: correlations as Pearson computes them', () => {
  it('a chroma shaped like a key profile is that key, with the correlation of a naive Pearson to 3 decimals', () => {
    // A G major scale with a stressed triad: its correlation with every major and minor profile, by hand.
    const chroma = pcs({ 7: 3, 9: 1, 11: 3, 0: 1, 2: 3, 4: 1, 6: 1 });
    const major = Array.from({ length: 12 }, (_, t) => pearson(chroma, at(KK_MAJOR, t)));
    const minor = Array.from({ length: 12 }, (_, t) => pearson(chroma, at(KK_MINOR, t)));
    const a = analyseKey(chroma);
    expect(a.key).toEqual({ tonic: 'G', mode: 'major', correlation: Number(Math.max(...major).toFixed(3)) });
    expect(a.major).toBeCloseTo(Math.max(...major), 12);
    expect(a.minor).toBeCloseTo(Math.max(...minor), 12);
    // The profile itself correlates 1 with itself, in any key.
    for (const t of [0, 5, 11]) {
      expect(analyseKey(at(KK_MINOR, t)).key).toEqual({ tonic: PITCH_CLASSES[t], mode: 'minor', correlation: 1 });
      expect(analyseKey(at(KK_MAJOR, t)).key).toEqual({ tonic: PITCH_CLASSES[t], mode: 'major', correlation: 1 });
    }
  });
});

describe('windowTriad: the third decides', () => {
  it('a window with both thirds names the triad of the louder one', () => {
    // C, E♭, G loud, E softer: C minor; C, E, G loud, E♭ softer: C major.
    expect(windowTriad(pcs({ 0: 1, 3: 1, 4: 0.6, 7: 1 }))).toEqual([0, 'minor']);
    expect(windowTriad(pcs({ 0: 1, 3: 0.6, 4: 1, 7: 1 }))).toEqual([0, 'major']);
    expect(windowTriad(pcs({ 2: 1, 5: 1, 6: 0.6, 9: 1 }))).toEqual([2, 'minor']);
  });
});

// Four windows per chord, three times round, with a quieter scale-wise melody (pitch classes), as in key.test.ts.
function windowsOf(chords: [root: number, third: 3 | 4][], melody: number[] = []): number[][] {
  const out: number[][] = [];
  let note = 0;
  for (let rep = 0; rep < 3; rep++) {
    for (const [root, third] of chords) {
      for (let w = 0; w < 4; w++) {
        const c = pcs({ [root]: 2, [(root + third) % 12]: 1, [(root + 7) % 12]: 1 });
        if (melody.length) c[melody[note++ % melody.length]] += 0.4;
        out.push(c);
      }
    }
  }
  return out;
}
const sum = (windows: number[][]): number[] => windows.reduce((s, w) => s.map((x, i) => x + w[i]), new Array<number>(12).fill(0));

describe('detectKey: the chords decide, and how sure it is', () => {
  it('chords count only for the key whose tonic triad they are (root and mode both)', () => {
    // The notes are C major's profile exactly, but every chord is C minor: the parallel minor.
    const cMinorChords = windowsOf([[0, 3]]);
    expect(detectKey({ chroma: T_MAJOR, windows: cMinorChords })).toMatchObject({ tonic: 'C', mode: 'minor' });
    // The same notes over C major chords: C major, sure.
    const clear = detectKey({ chroma: T_MAJOR, windows: windowsOf([[0, 4]]) })!;
    expect(clear).toMatchObject({ tonic: 'C', mode: 'major', correlation: 1, confidence: 1 });
  });

  it('silent windows are left out of the chords, not counted', () => {
    const chords = windowsOf([[0, 4], [5, 4], [7, 4], [0, 4]]);
    const silent = new Array<number>(12).fill(0);
    const withSilence = [silent, ...chords.slice(0, 8), silent, silent, ...chords.slice(8)];
    expect(detectKey({ chroma: sum(chords), windows: withSilence })).toEqual(detectKey({ chroma: sum(chords), windows: chords }));
  });

  it('the triad the music keeps returning to outweighs the one it opens on', () => {
    // vi–I–I–I in C: opens on A minor, then stays on C major.
    const chords = windowsOf([[9, 3], [0, 4], [0, 4], [0, 4]]);
    expect(detectKey({ chroma: sum(chords), windows: chords })).toMatchObject({ tonic: 'C', mode: 'major' });
    // i–III–III–III in A minor: opens on A minor, then stays on C major: C major too.
    const back = windowsOf([[9, 3], [0, 4], [0, 4], [0, 4]]).slice(4);
    expect(detectKey({ chroma: sum(back), windows: back })).toMatchObject({ tonic: 'C', mode: 'major' });
  });

  it('the opening and the notes outweigh a chord held a little longer', () => {
    // I–V–I–V–V over the C major scale (F natural): V is held longest, but the tune opens on I and
    // its notes are C major's, not G major's (which has F♯).
    const chords = windowsOf([[0, 4], [7, 4], [0, 4], [7, 4], [7, 4]], [0, 2, 4, 5, 7, 9, 11]);
    expect(detectKey({ chroma: sum(chords), windows: chords })).toMatchObject({ tonic: 'C', mode: 'major' });
  });

  it('confidence: 0–1, rounded to 3 decimals, below 1 when the chords decide narrowly', () => {
    // i–iv–VII–III has the notes of the major key of III: only the chords decide, narrowly.
    const aMinorScale = [9, 11, 0, 2, 4, 5, 7];
    const chords = windowsOf([[9, 3], [2, 3], [7, 4], [0, 4]], aMinorScale);
    const narrow = detectKey({ chroma: sum(chords), windows: chords })!;
    expect(narrow).toMatchObject({ tonic: 'A', mode: 'minor' });
    expect(narrow.confidence).toBeGreaterThan(0);
    expect(narrow.confidence).toBeLessThan(0.1);
    expect(Math.round(narrow.confidence * 1000) / 1000).toBe(narrow.confidence);
    expect(narrow.correlation).toBeGreaterThan(0.5);
    expect(narrow.correlation).toBeLessThanOrEqual(1);
    // A scale with no chords at all: a key, with some confidence from the profile alone.
    const scaleOnly = detectKey({ chroma: pcs({ 0: 1, 2: 1, 4: 1, 5: 1, 7: 1, 9: 1, 11: 1 }), windows: [] })!;
    expect(scaleOnly.confidence).toBeGreaterThan(0);
    expect(scaleOnly.confidence).toBeLessThanOrEqual(1);
    // One pitch class is not a key: under the threshold however many windows say so.
    const one = pcs({ 9: 1 });
    expect(detectKey({ chroma: one, windows: [one, one] })!.confidence).toBeLessThan(KEY_MIN_CONFIDENCE);
  });
});
