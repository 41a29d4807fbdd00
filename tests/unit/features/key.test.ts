import { describe, expect, it } from 'vitest';
import { analyseKey, detectKey, KEY_MIN_CONFIDENCE, windowTriad } from '../../../electron/engine/features/key';
import { PITCH_CLASSES } from '../../../electron/engine/features/spec';

const estimateKey = (chroma: ArrayLike<number>) => analyseKey(chroma).key;

// Pitch-class weights of a scale with a stressed tonic triad.
function scale(tonic: number, steps: number[], triad: number[]): number[] {
  const c = new Array<number>(12).fill(0);
  for (const s of steps) c[(tonic + s) % 12] += 1;
  for (const s of triad) c[(tonic + s) % 12] += 2;
  return c;
}

describe('analyseKey: the key', () => {
  it('names major keys', () => {
    expect(estimateKey(scale(0, [0, 2, 4, 5, 7, 9, 11], [0, 4, 7]))).toMatchObject({ tonic: 'C', mode: 'major' });
    expect(estimateKey(scale(7, [0, 2, 4, 5, 7, 9, 11], [0, 4, 7]))).toMatchObject({ tonic: 'G', mode: 'major' });
  });

  it('names minor keys', () => {
    expect(estimateKey(scale(9, [0, 2, 3, 5, 7, 8, 10], [0, 3, 7]))).toMatchObject({ tonic: 'A', mode: 'minor' });
    expect(estimateKey(scale(6, [0, 2, 3, 5, 7, 8, 11], [0, 3, 7]))).toMatchObject({ tonic: 'F#', mode: 'minor' });
  });

  it('gives no key for a flat chroma', () => {
    expect(estimateKey(new Array<number>(12).fill(0))).toBeNull();
    expect(estimateKey(new Array<number>(12).fill(3))).toBeNull();
  });
});

describe('analyseKey: best major and minor correlations', () => {
  it('keeps the best over all tonics, not the last one tried', () => {
    // D major (not the last tonic scanned): the major maximum is the winning key's correlation.
    const a = analyseKey(scale(2, [0, 2, 4, 5, 7, 9, 11], [0, 4, 7]));
    expect(a.key).toMatchObject({ tonic: 'D', mode: 'major' });
    expect(a.major).toBeCloseTo(a.key!.correlation, 3);
    expect(a.minor).toBeGreaterThan(0);
    expect(a.minor).toBeLessThan(a.major);
    const m = analyseKey(scale(4, [0, 2, 3, 5, 7, 8, 10], [0, 3, 7]));
    expect(m.key).toMatchObject({ tonic: 'E', mode: 'minor' });
    expect(m.minor).toBeCloseTo(m.key!.correlation, 3);
  });
});

// Chord progressions as they sound: each chord's triad (root, third, fifth; the root doubled) for
// four one-second windows, plus a quieter scale-wise melody note, so the whole-range chroma is
// the progression's.
const MAJOR_SCALE = [0, 2, 4, 5, 7, 9, 11];
const MINOR_SCALE = [0, 2, 3, 5, 7, 8, 10];
type Chord = [root: number, third: 3 | 4];

function progression(tonic: number, chords: Chord[], scaleSteps: number[]): { chroma: number[]; windows: number[][] } {
  const windows: number[][] = [];
  let note = 0;
  for (let rep = 0; rep < 3; rep++) {
    for (const [root, third] of chords) {
      for (let w = 0; w < 4; w++) {
        const c = new Array<number>(12).fill(0);
        c[(tonic + root) % 12] += 2;
        c[(tonic + root + third) % 12] += 1;
        c[(tonic + root + 7) % 12] += 1;
        c[(tonic + scaleSteps[note++ % scaleSteps.length]) % 12] += 0.4;
        windows.push(c);
      }
    }
  }
  const chroma = new Array<number>(12).fill(0);
  for (const w of windows) for (let i = 0; i < 12; i++) chroma[i] += w[i];
  return { chroma, windows };
}

describe('detectKey (the summary key)', () => {
  const cases: { name: string; mode: 'major' | 'minor'; chords: Chord[]; steps: number[] }[] = [
    { name: 'I–IV–V–I', mode: 'major', chords: [[0, 4], [5, 4], [7, 4], [0, 4]], steps: MAJOR_SCALE },
    { name: 'ii–V–I–I', mode: 'major', chords: [[2, 3], [7, 4], [0, 4], [0, 4]], steps: MAJOR_SCALE },
    { name: 'i–iv–V–i', mode: 'minor', chords: [[0, 3], [5, 3], [7, 4], [0, 3]], steps: MINOR_SCALE },
    { name: 'i–iv–VII–III', mode: 'minor', chords: [[0, 3], [5, 3], [10, 4], [3, 4]], steps: MINOR_SCALE },
  ];
  for (const c of cases) {
    it(`names the key of ${c.name} in all 12 tonics`, () => {
      for (let tonic = 0; tonic < 12; tonic++) {
        const key = detectKey(progression(tonic, c.chords, c.steps));
        expect(key, `${PITCH_CLASSES[tonic]} ${c.mode}`).toMatchObject({ tonic: PITCH_CLASSES[tonic], mode: c.mode });
        // i–iv–VII–III has the same notes as the major key of III: only the chords decide, narrowly.
        if (c.name !== 'i–iv–VII–III') expect(key!.confidence).toBeGreaterThanOrEqual(KEY_MIN_CONFIDENCE);
      }
    });
  }

  it('labels major and minor triads by their root', () => {
    const triad = (root: number, third: number): number[] => {
      const c = new Array<number>(12).fill(0);
      for (const i of [0, third, 7]) c[(root + i) % 12] = 1;
      return c;
    };
    for (let r = 0; r < 12; r++) {
      expect(windowTriad(triad(r, 4))).toEqual([r, 'major']);
      expect(windowTriad(triad(r, 3))).toEqual([r, 'minor']);
    }
    expect(windowTriad(new Array<number>(12).fill(0))).toBeNull();
  });

  it('has no key for a flat chroma, and too little confidence for one pitch class alone', () => {
    expect(detectKey({ chroma: new Array<number>(12).fill(1), windows: [] })).toBeNull();
    const a = new Array<number>(12).fill(0);
    a[9] = 1;
    expect(detectKey({ chroma: a, windows: [a, a, a] })?.confidence ?? 0).toBeLessThan(KEY_MIN_CONFIDENCE);
  });
});
