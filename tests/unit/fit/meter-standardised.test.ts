/**
 * estimateMeter weighs chroma change and attack strength after standardising each (mean 0, sd 1),
 * so a cue's pattern counts, not its units. Here the harmony changes on every fourth beat from
 * beat 1 but only slightly (1 − cos = 0.02), while the attacks hit every third beat at 100. By hand,
 * in standard units: a 1-in-4 pattern's downbeats stand √3 + 1/√3 = 2.31 above the other beats;
 * the attacks' 1-in-3 pattern, at half weight, 0.5 · (√2 + 1/√2) = 1.06, less the 0.25 the
 * three-beat meter must win by: 4/4 from beat 1. In raw units the attacks (50 vs 0.02) would win.
 */
import { describe, expect, it } from 'vitest';
import { estimateMeter } from '../../../electron/engine/fit/grid';
import { TIMBRE_DIMS, type BeatDescriptors } from '../../../electron/engine/fit/types';

/** Two chords 0.02 apart in 1 − cosine: unit vectors at an angle θ with cos θ = 0.98. */
function chords(): [number[], number[]] {
  const a = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b = [0.98, Math.sqrt(1 - 0.98 ** 2), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  return [a, b];
}

function descriptors(n: number, barStart: number): BeatDescriptors {
  const [a, b] = chords();
  // The chord changes at beats ≡ barStart (mod 4): bar index counted from there.
  const bar = (k: number): number => Math.floor((k - barStart) / 4);
  return {
    chroma: Float32Array.from(Array.from({ length: n }, (_, k) => ((bar(k) & 1) === 0 ? a : b)).flat()),
    rmsDb: new Float32Array(n).fill(-20),
    timbre: new Float32Array(n * TIMBRE_DIMS),
    onset: Float32Array.from({ length: n }, (_, k) => (k % 3 === 0 ? 100 : 0)),
  };
}

describe('estimateMeter', () => {
  it('finds the small but regular harmonic change against loud attacks in another meter', () => {
    expect(estimateMeter(descriptors(48, 1))).toEqual({ beatsPerBar: 4, phase: 1 });
    expect(estimateMeter(descriptors(48, 2))).toEqual({ beatsPerBar: 4, phase: 2 });
  });

  it('with no harmonic change, the attacks every third beat give 3/4 on them', () => {
    const f = descriptors(48, 1);
    f.chroma.fill(0);
    for (let k = 0; k < 48; k++) f.chroma[k * 12] = 1;
    expect(estimateMeter(f)).toEqual({ beatsPerBar: 3, phase: 0 });
  });
});
